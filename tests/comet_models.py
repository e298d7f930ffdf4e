"""Tiny COMET checkpoints built offline, for tests and the COMET benchmark.

Real COMET models are 2 GB downloads from the Hugging Face hub (some gated), which tests must not
need. These models have the real COMET classes and checkpoint layout but a 2-layer, 64-wide XLM-R
encoder with random weights and a sentencepiece vocabulary trained here on :data:`SENTENCES`, so
they load, tokenise and predict exactly like the real ones, in about a second, and fit in ~1 MB.
Their scores mean nothing; they exist to test plumbing (parity, caching, routing, signatures).

The fast tokenizer is built from the sentencepiece vocabulary with the ``tokenizers`` library:
transformers' slow-to-fast XLM-R conversion fails with sentencepiece 0.2.3 + protobuf 4 (comet pins
protobuf<5), see ``shared/notes/dependencies.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: English/Chinese sentence pairs the vocabulary is trained on and tests score.
SENTENCES: tuple[tuple[str, str], ...] = (
    ("Large language models can translate scientific abstracts.", "大型语言模型可以翻译科学摘要。"),
    ("We propose a new method for sentence alignment.", "我们提出了一种新的句子对齐方法。"),
    ("The model achieves state-of-the-art results on three benchmarks.", "该模型在三个基准上取得了最先进的结果。"),
    ("Our experiments show a 12% improvement over the baseline.", "我们的实验表明，相比基线提高了12%。"),
    ("Code and data are publicly available.", "代码和数据已公开。"),
    ("We study the robustness of neural networks to noise.", "我们研究神经网络对噪声的鲁棒性。"),
    ("Reinforcement learning agents learn from rewards.", "强化学习智能体从奖励中学习。"),
    ("This paper introduces a benchmark for machine translation.", "本文介绍了一个机器翻译基准。"),
    ("The dataset contains 1.2 million sentence pairs.", "该数据集包含120万个句子对。"),
    ("We evaluate on English and Chinese test sets.", "我们在英文和中文测试集上进行评估。"),
    ("Graph neural networks capture relational structure.", "图神经网络能够捕捉关系结构。"),
    ("Our approach reduces inference cost by half.", "我们的方法将推理成本降低了一半。"),
    ("Finally, we discuss limitations and future work.", "最后，我们讨论了局限性和未来的工作。"),
    ("Attention mechanisms improve long-range dependencies.", "注意力机制改善了长距离依赖。"),
    ("The results suggest that scaling is not enough.", "结果表明，仅靠扩大规模是不够的。"),
    ("We release an open-source toolkit for evaluation.", "我们发布了一个用于评估的开源工具包。"),
    ("Quantum computing may accelerate optimisation problems.", "量子计算可能会加速优化问题。"),
    ("A user study with 40 participants confirms the findings.", "一项有40名参与者的用户研究证实了这些发现。"),
    ("Diffusion models generate high-quality images.", "扩散模型能够生成高质量的图像。"),
    ("We prove a lower bound on the sample complexity.", "我们证明了样本复杂度的一个下界。"),
)


@dataclass(frozen=True)
class TinyModels:
    """Paths of the two tiny checkpoints: ``reference`` (RegressionMetric) and ``qe`` (ReferencelessRegression).

    :func:`build_tiny_xcomet` builds a third, XCOMET-shaped one (word-level tags, error spans).
    """

    root: Path
    reference: Path  # <root>/tiny-comet-ref/checkpoints/model.ckpt
    qe: Path  # <root>/tiny-comet-qe/checkpoints/model.ckpt


def build_tiny_models(root: Path, seed: int = 0) -> TinyModels:
    """Build both tiny COMET models under ``root`` (fully offline) and return their checkpoint paths.

    Raises :class:`ImportError` when comet, torch or sentencepiece are not installed.
    """
    import warnings

    import torch

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    encoder_dir = _build_encoder_dir(root / "encoder")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torchmetrics (under comet) warns that pkg_resources is deprecated
        from comet.models import ReferencelessRegression, RegressionMetric

    paths = {}
    for name, cls in (("tiny-comet-ref", RegressionMetric), ("tiny-comet-qe", ReferencelessRegression)):
        torch.manual_seed(seed)  # random but reproducible weights: tests compare runs
        model = cls(
            pretrained_model=str(encoder_dir),
            load_pretrained_weights=False,
            local_files_only=True,
            hidden_sizes=[32],
            layer="mix",
            pool="avg",
            dropout=0.0,
            nr_frozen_epochs=0.0,
        )
        paths[name] = _save(model, root / name)
    return TinyModels(root=root, reference=paths["tiny-comet-ref"], qe=paths["tiny-comet-qe"])


def build_tiny_xcomet(root: Path, seed: int = 0) -> Path:
    """Build a tiny XCOMET-shaped checkpoint (``xcomet_metric``, word-level tags) under ``root``; its path.

    The real :class:`comet.models.XCOMETMetric` with the tiny random encoder: it predicts scores and
    error spans (minor/major/critical) through COMET's own decoding, so its spans carry COMET's offsets
    as real XCOMET models give them. Which spans it finds is random (reproducible for one ``seed``);
    tests that need particular spans patch the prediction. Shares ``<root>/encoder`` with
    :func:`build_tiny_models`.
    """
    import warnings

    import torch

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    encoder_dir = _build_encoder_dir(root / "encoder")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torchmetrics (under comet) warns that pkg_resources is deprecated
        from comet.models import XCOMETMetric

    torch.manual_seed(seed)
    model = XCOMETMetric(
        pretrained_model=str(encoder_dir),
        load_pretrained_weights=False,
        local_files_only=True,
        hidden_sizes=[32],
        word_layer=1,  # the tiny encoder has 2 layers (the real XL models tag from layer 36)
        layer_norm=False,
        dropout=0.0,
        nr_frozen_epochs=0.0,
    )
    with torch.no_grad():
        # Random small weights tag every token "O" (no span at all); large ones tag a random mix of
        # error and no-error tokens, so COMET's own decoding makes spans, with its offsets.
        model.hidden2tag.weight.mul_(40.0)
    return _save(model, root / "tiny-xcomet")


def _build_encoder_dir(encoder_dir: Path) -> Path:
    """A directory holding a tiny XLM-R config and a fast tokenizer, as ``pretrained_model`` expects."""
    import io

    import sentencepiece as spm
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import XLMRobertaConfig, XLMRobertaTokenizerFast

    encoder_dir.mkdir(parents=True, exist_ok=True)
    text = [s for pair in SENTENCES for s in pair]
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text * 5),
        model_writer=buffer,
        vocab_size=400,
        model_type="unigram",
        character_coverage=1.0,  # keep every Chinese character seen
        hard_vocab_limit=False,  # the corpus is tiny: take as many pieces as it supports
        num_threads=1,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    # XLM-R's layout: <s> <pad> </s> <unk> first, then the sentencepiece pieces, <mask> last.
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = [(token, 0.0) for token in specials]
    vocab += [
        (sp.id_to_piece(i), sp.get_score(i))
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i))
    ]
    vocab.append(("<mask>", 0.0))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    fast = XLMRobertaTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=512,
    )
    fast.save_pretrained(str(encoder_dir))
    XLMRobertaConfig(
        vocab_size=len(vocab),
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        max_position_embeddings=514,  # like XLM-R: 512 tokens + 2, so the 512-token crop is the real one
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    ).save_pretrained(str(encoder_dir))
    return encoder_dir


def _save(model, model_dir: Path) -> Path:
    """Write ``model`` in COMET's layout: ``hparams.yaml`` + ``checkpoints/model.ckpt`` (a Lightning checkpoint)."""
    import pytorch_lightning
    import torch
    import yaml

    (model_dir / "checkpoints").mkdir(parents=True, exist_ok=True)
    hparams = dict(model.hparams)
    (model_dir / "hparams.yaml").write_text(yaml.safe_dump(hparams), encoding="utf-8")
    ckpt = model_dir / "checkpoints" / "model.ckpt"
    torch.save(
        {
            "state_dict": model.state_dict(),
            "hyper_parameters": hparams,
            "pytorch-lightning_version": pytorch_lightning.__version__,
        },
        ckpt,
    )
    return ckpt
