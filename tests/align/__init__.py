"""Tests of :mod:`evalkit.align`, and invented bilingual papers shared with the checks built on it.

Every text below was written for these tests (no corpus text): each paper is a plausible abstract of
five to eight sentences with a faithful Chinese translation, sentence by sentence, so tests can drop,
insert, merge or swap sentences and know exactly what the aligner should see.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.digest_builder import EntrySpec, build_digest, make_entry


@dataclass(frozen=True)
class Paper:
    """An invented paper: titles, a one-line Chinese summary and the abstract as aligned sentences."""

    title_en: str
    title_zh: str
    summary_zh: str
    en: tuple[str, ...]
    zh: tuple[str, ...]

    @property
    def abstract_en(self) -> str:
        return " ".join(self.en)

    @property
    def abstract_zh(self) -> str:
        return "".join(self.zh)

    def zh_with(self, replace: dict[int, str] | None = None, drop: tuple[int, ...] = (), insert: dict[int, str] | None = None) -> str:
        """The Chinese abstract with sentence ``k`` replaced / dropped, or a sentence inserted before ``k``."""
        out = []
        for k, sentence in enumerate(self.zh):
            if insert and k in insert:
                out.append(insert[k])
            if k in drop:
                continue
            out.append((replace or {}).get(k, sentence))
        if insert and len(self.zh) in insert:
            out.append(insert[len(self.zh)])
        return "".join(out)


SPARSE = Paper(
    title_en="Routed Sparse Attention for Long-Document Summarization",
    title_zh="面向长文档摘要的路由稀疏注意力",
    summary_zh="本文提出一种结合局部窗口与路由全局词元的稀疏注意力机制，提升了长文档摘要的质量并降低了内存占用。",
    en=(
        "Long-document summarization remains difficult because standard self-attention scales quadratically with the input length.",
        "We propose a sparse attention mechanism that combines a sliding local window with a small set of global tokens selected by a learned router.",
        "The router is trained jointly with the summarizer and requires no additional supervision.",
        "On three scientific summarization benchmarks, our model improves ROUGE-L by 1.8 points over the strongest baseline.",
        "It also reduces memory usage by 45% when processing inputs of 16,000 tokens.",
        "We release our code and pretrained checkpoints to support future research.",
    ),
    zh=(
        "长文档摘要仍然很困难，因为标准的自注意力随输入长度呈二次方增长。",
        "我们提出一种稀疏注意力机制，它将滑动局部窗口与由学习到的路由器选出的少量全局词元相结合。",
        "该路由器与摘要模型联合训练，不需要额外的监督。",
        "在三个科学文献摘要基准上，我们的模型比最强基线的ROUGE-L提高了1.8分。",
        "在处理16,000个词元的输入时，它还将内存占用降低了45%。",
        "我们公开了代码和预训练检查点，以支持未来的研究。",
    ),
)

TRAFFIC = Paper(
    title_en="Dynamic Graph Networks for Traffic Forecasting",
    title_zh="用于交通预测的动态图网络",
    summary_zh="本文提出一种随传感器读数更新边权重的动态图模型，降低了交通预测的平均绝对误差。",
    en=(
        "Accurate traffic forecasting is essential for urban planning and route guidance.",
        "Existing graph neural networks treat the road network as a fixed graph and ignore how congestion spreads over time.",
        "We introduce a dynamic graph model that updates the edge weights at every time step from recent sensor readings.",
        "A temporal convolution module then captures periodic patterns at daily and weekly scales.",
        "Experiments on two public highway datasets show that our model reduces the mean absolute error by 7.2% compared with static graph baselines.",
        "Ablation studies confirm that both the dynamic edges and the temporal module contribute to the gain.",
    ),
    zh=(
        "准确的交通预测对城市规划和路线引导至关重要。",
        "现有的图神经网络将道路网络视为固定的图，忽略了拥堵如何随时间扩散。",
        "我们提出一种动态图模型，在每个时间步根据最近的传感器读数更新边的权重。",
        "随后，一个时间卷积模块捕获每日和每周尺度上的周期性模式。",
        "在两个公开高速公路数据集上的实验表明，与静态图基线相比，我们的模型将平均绝对误差降低了7.2%。",
        "消融研究证实，动态边和时间模块都对性能提升有贡献。",
    ),
)

XRAY = Paper(
    title_en="Self-Supervised Pretraining for Chest X-Ray Diagnosis",
    title_zh="用于胸部X光诊断的自监督预训练",
    summary_zh="本文在大量无标注胸部X光片上进行自监督预训练，仅用少量标签即可达到全监督模型的肺炎检测水平。",
    en=(
        "Labeled medical images are expensive to obtain because annotation requires trained radiologists.",
        "We study self-supervised pretraining on 300,000 unlabeled chest X-rays collected from four hospitals.",
        "Our approach learns image representations by predicting masked regions and contrasting views of the same patient.",
        "After fine-tuning with only 1% of the labels, the model matches a fully supervised baseline on pneumonia detection.",
        "We further find that pretraining improves robustness when the model is tested on scans from an unseen hospital.",
    ),
    zh=(
        "有标注的医学图像获取成本高昂，因为标注需要训练有素的放射科医生。",
        "我们研究了在从四家医院收集的300,000张无标注胸部X光片上进行自监督预训练。",
        "我们的方法通过预测被遮挡的区域以及对比同一患者的不同视图来学习图像表示。",
        "仅使用1%的标签进行微调后，该模型在肺炎检测上达到了全监督基线的水平。",
        "我们还发现，当模型在来自未见过医院的扫描图像上测试时，预训练提高了其鲁棒性。",
    ),
)

#: A complete abstract of 1,063 characters: the generator's cut at 1,000 leaves the last sentence as
#: "Finally, we analyze the failure cases and find that most of them involve objects with high".
GRASP = Paper(
    title_en="Tactile Stiffness Estimation for Gentle Robotic Grasping",
    title_zh="用于轻柔机器人抓取的触觉刚度估计",
    summary_zh="本文提出一种根据触觉信号估计物体刚度的抓取控制器，显著减少了抓取可变形物体时造成的损伤。",
    en=(
        "Robotic grasping of deformable objects such as fruit, bread and textiles remains an open problem because visual observations alone cannot reveal how much force an object tolerates.",
        "We present a tactile feedback controller that estimates the local stiffness of the object from the first few milliseconds of contact.",
        "The estimate is produced by a small recurrent network trained entirely in simulation with randomized material parameters.",
        "A grasp planner then selects the finger positions and closing speed that keep the predicted contact pressure below a safe limit.",
        "We transfer the controller to a physical two-finger gripper without any real-world fine-tuning.",
        "Across 240 grasps of 24 household objects, the controller reduces visible damage from 31% to 6% while keeping the success rate above 90%.",
        "We also show that the stiffness estimate generalizes to objects whose shapes were never seen during training.",
        "Finally, we analyze the failure cases and find that most of them involve objects with highly nonuniform stiffness, where a single estimate is misleading.",
    ),
    zh=(
        "由于仅凭视觉观测无法揭示物体能承受多大的力，抓取水果、面包和纺织品等可变形物体仍是机器人领域的一个开放问题。",
        "我们提出一种触觉反馈控制器，它能根据接触最初几毫秒的信号估计物体的局部刚度。",
        "该估计由一个小型循环网络给出，该网络完全在仿真中训练，并对材料参数进行了随机化。",
        "随后，抓取规划器选择手指位置和闭合速度，使预测的接触压力保持在安全限度以下。",
        "我们将该控制器迁移到一个真实的双指夹爪上，无需任何真实世界的微调。",
        "在对24种家用物品进行的240次抓取中，该控制器将可见损伤从31%降低到6%，同时保持成功率在90%以上。",
        "我们还表明，刚度估计可以推广到训练中从未见过形状的物体。",
        "最后，我们分析了失败案例，发现其中大多数涉及刚度高度不均匀的物体，此时单一的估计会产生误导。",
    ),
)

#: GRASP's English line as the generator cut it (exactly 1,000 characters, ending mid-word) ...
GRASP_CUT_EN = GRASP.abstract_en[:1000]
#: ... and the Chinese of its seven complete sentences.
GRASP_ZH_COMPLETE_PART = "".join(GRASP.zh[:7])


def paper_entry(paper: Paper, n: int = 1, **changes: str) -> EntrySpec:
    """An S2 entry for ``paper`` (``n`` sets the arXiv id, hence the sort order); override fields freely."""
    fields = dict(
        title_en=paper.title_en,
        title_zh=paper.title_zh,
        summary_zh=paper.summary_zh,
        abstract_en=paper.abstract_en,
        abstract_zh=paper.abstract_zh,
    )
    fields.update(changes)
    return make_entry(n, **fields)


def digest_of(*specs: tuple[Paper, dict[str, str]] | Paper) -> str:
    """A digest whose entry ``[^k]`` is the k-th argument (a paper, or a paper with field overrides)."""
    entries = []
    for k, item in enumerate(specs):
        paper, changes = item if isinstance(item, tuple) else (item, {})
        entries.append(paper_entry(paper, n=len(specs) - k, **changes))  # higher id sorts first
    return build_digest(entries)
