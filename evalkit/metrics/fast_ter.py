"""TER statistics computed fast, equal to sacrebleu's for every input.

sacrebleu's TER (``sacrebleu.metrics.lib_ter``) searches for block shifts greedily: each round it
computes a beam-limited Levenshtein distance for every candidate shift (up to 1000 candidates per
segment in all) and applies the best one while that lowers the distance. With Chinese split into
characters an abstract has a few hundred tokens and nearly every character recurs, so the candidate
budget is usually spent and each candidate recomputes most of a 300-row edit-distance matrix in
pure Python: about half a second to several seconds per abstract.

This module runs the same search, candidate for candidate, but prices a candidate without
recomputing the whole matrix. The beam (the band of cells sacrebleu fills in each row) depends only
on the two lengths, which a shift does not change, so the beam-limited distance is a shortest path
through a fixed set of cells. A shift changes the hypothesis only between two positions ``lo`` and
``hi``; the rows above ``lo`` are those of the unshifted hypothesis, and so are the costs from row
``hi`` to the end (computed once per round by a backward pass over the same band). A candidate
therefore costs only the rows of the block it moves plus one row-wide minimum. Tokens become small
integers and each token's mismatch costs against the reference are precomputed.

What is mirrored exactly, because each one changes results on some inputs:

* the beam: its width (25, widened for very unequal lengths), its centre ``floor(i * m / n)``
  computed in floating point as sacrebleu does, and the full last row;
* the tie-breaking of the edit operations (match/substitution, then deletion, then insertion),
  which fixes the alignment that decides which shifts are tried and where they are moved to;
* the candidate order (hypothesis start, reference start, length), the limits on shift size (10),
  distance (50) and the budget of 1000 candidates shared by all rounds, including that the round
  in which the budget runs out applies no shift;
* the ranking of candidates: largest gain, then longest block, earliest start, earliest target.

sacrebleu's prefix cache only saves work, never changes a value, so it has no counterpart here.
``tests/metrics/test_fast_ter.py`` compares both implementations on hand-written and random inputs.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from operator import add
from typing import Any, Sequence

#: sacrebleu's limits (``lib_ter``); the tests check these still equal sacrebleu's own.
MAX_SHIFT_SIZE = 10
MAX_SHIFT_DIST = 50
BEAM_WIDTH = 25
MAX_SHIFT_CANDIDATES = 1000

#: Stands for a cell outside the beam. Larger than any edit count, and still larger after the few
#: additions a cell's neighbours make to it, so it never wins a minimum against a real cell.
_INF = 1 << 60

# Edit operations of a trace, as sacrebleu names them (hypothesis rows, reference columns).
_NOP, _SUB, _DEL, _INS = 0, 1, 2, 3


def translation_edit_rate(words_hyp: Sequence[str], words_ref: Sequence[str]) -> tuple[int, int]:
    """``(number of edits, reference length)`` of one tokenised hypothesis against one reference.

    Drop-in equal of ``sacrebleu.metrics.lib_ter.translation_edit_rate``: the same greedy shift
    search and beam-limited edit distance, the same result for every input.
    """
    n_ref = len(words_ref)
    if n_ref == 0:
        return len(words_hyp), 0  # sacrebleu: every hypothesis word is an edit, nothing to shift to
    ids: dict[str, int] = {}
    ref = [ids.setdefault(w, len(ids)) for w in words_ref]
    # Words absent from the reference never match anything, so one shared id serves them all.
    absent = len(ids)
    hyp = [ids.get(w, absent) for w in words_hyp]
    return _ShiftSearch(hyp, ref, absent + 1).run(), n_ref


def segment_statistics(metric: Any, hypothesis: str, references: Sequence[str]) -> list[float]:
    """sacrebleu's TER row ``[edits, average reference length]`` of one segment.

    ``metric`` is the ``sacrebleu.metrics.TER`` whose options (normalisation, punctuation, Asian
    support, case) apply: its own tokeniser prepares the texts, as in its ``_extract_corpus_statistics``.
    The row equals that method's for ``[hypothesis]`` and ``[[r] for r in references]``, types
    included (an ``int`` edit count, a ``float`` length). ``references`` must not be empty.
    """
    if not references:
        raise ValueError("TER needs at least one reference")
    words_hyp = metric._preprocess_segment(hypothesis).split()
    best_edits = int(1e16)  # sacrebleu's starting "infinity"; any real count is smaller
    total_length = 0
    for reference in references:
        edits, length = translation_edit_rate(words_hyp, metric._preprocess_segment(reference).split())
        total_length += length
        if edits < best_edits:
            best_edits = edits
    return [best_edits, total_length / len(references)]


class _ShiftSearch:
    """The greedy shift search of one hypothesis (token ids) against one reference.

    Rows of the edit-distance matrix are kept only over the beam: ``row[i]`` covers the reference
    columns ``start[i] <= j < stop[i]``; ``fwd[i]`` holds the distances from the start to each cell
    of row ``i``, ``bwd[i]`` the distances from each cell to the end. Both are exact shortest paths
    through the beam's cells, which is what sacrebleu's beam-limited recurrence computes.
    """

    def __init__(self, hyp: list[int], ref: list[int], n_ids: int) -> None:
        self.hyp = hyp
        self.ref = ref
        n, m = len(hyp), len(ref)
        self.n, self.m = n, m
        # The beam, exactly as sacrebleu computes it (float ratio, floor of its multiples).
        ratio = m / n if n else 1
        width = math.ceil(ratio / 2 + BEAM_WIDTH) if BEAM_WIDTH < ratio / 2 else BEAM_WIDTH
        start, stop = [0], [m + 1]  # row 0 (all insertions) is complete
        for i in range(1, n + 1):
            diagonal = math.floor(i * ratio)
            start.append(max(0, diagonal - width))
            stop.append(m + 1 if i == n else min(m + 1, diagonal + width))  # the last row is complete
        self.start, self.stop = start, stop
        # cost[t][j]: substitution cost of token t at column j (against ref[j - 1]); both ends are
        # padding (column 0 and column m + 1 have no reference word), so slices stay aligned.
        self.cost = [[1] * (m + 2) for _ in range(n_ids)]
        for j, t in enumerate(ref, 1):
            self.cost[t][j] = 0
        positions: list[list[int]] = [[] for _ in range(n_ids)]
        for j, t in enumerate(ref):
            positions[t].append(j)
        self.positions = positions
        self.fwd: list[list[int]] = [list(range(m + 1))]
        self.bwd: list[list[int]] = []
        # Rows of shifted hypotheses computed this round, by the row they start from (see _walk).
        self._forward_tries: dict[int, dict] = {}
        self._backward_tries: dict[int, dict] = {}

    # -- rows ---------------------------------------------------------------------------------

    def _forward_row(self, prev: list[int], i: int, token: int) -> list[int]:
        """Row ``i`` of the forward distances from row ``i - 1`` (``prev``), hypothesis word ``token``."""
        start, stop = self.start, self.stop
        a, e, pa, pe = start[i], stop[i], start[i - 1], stop[i - 1]
        # padded[k] is column pa - 1 + k of the previous row; columns off its beam cost _INF.
        padded = [_INF]
        padded += prev
        if e > pe:
            padded += [_INF] * (e - pe)
        off = a - pa
        width = e - a
        row: list[int] = []
        append = row.append
        x = _INF  # the cell to the left (off the beam at the row's first column)
        for d, u, c in zip(padded[off : off + width], padded[off + 1 : off + 1 + width], self.cost[token][a:e]):
            x += 1  # insertion
            d += c  # match or substitution
            if d < x:
                x = d
            u += 1  # deletion
            if u < x:
                x = u
            append(x)
        return row

    def _backward_row(self, nxt: list[int], i: int, token: int) -> list[int]:
        """Row ``i`` of the distances to the end, from row ``i + 1`` (``nxt``); ``token`` is hypothesis word ``i``."""
        start, stop = self.start, self.stop
        a, e, na, ne = start[i], stop[i], start[i + 1], stop[i + 1]
        # padded[k] is column a + k of the next row, up to column e; columns off its beam cost _INF.
        # (na >= a; ne >= e except below row 0, which is complete.)
        padded = [_INF] * (na - a)
        padded += nxt
        padded += [_INF] * max(1, e + 1 - ne)
        width = e - a
        row: list[int] = []
        append = row.append
        x = _INF  # the cell to the right (off the beam at the row's last column)
        # Going right to left over columns j = e - 1 .. a: down (deletion) is column j of the next
        # row, diagonal is column j + 1 with the cost of matching ref[j].
        for u, d, c in zip(
            padded[width - 1 :: -1], padded[width:0:-1], self.cost[token][e:a:-1]
        ):
            x += 1
            d += c
            if d < x:
                x = d
            u += 1
            if u < x:
                x = u
            append(x)
        row.reverse()
        return row

    def _forward_from(self, first: int) -> None:
        """Recompute ``fwd`` rows ``first .. n`` (rows before ``first`` are still valid)."""
        fwd, hyp = self.fwd, self.hyp
        del fwd[first:]
        prev = fwd[-1]
        for i in range(first, self.n + 1):
            prev = self._forward_row(prev, i, hyp[i - 1])
            fwd.append(prev)

    def _backward_from(self, last: int) -> None:
        """Recompute ``bwd`` rows ``last .. 0`` (rows after ``last`` are still valid)."""
        n, m, hyp = self.n, self.m, self.hyp
        if not self.bwd:
            self.bwd = [[]] * (n + 1)
            self.bwd[n] = list(range(m - self.start[n], -1, -1))  # along the last row to the corner
            last = n - 1
        bwd = self.bwd
        for i in range(last, -1, -1):
            bwd[i] = self._backward_row(bwd[i + 1], i, hyp[i])

    # -- alignment ----------------------------------------------------------------------------

    def _trace(self) -> list[int]:
        """sacrebleu's trace of edit operations (hypothesis → reference), start to end.

        A cell's operation is the first of match/substitution, deletion, insertion whose cost gives
        the cell's value: that is how sacrebleu's strict ``>`` comparisons leave it.
        """
        fwd, start, stop, hyp, cost = self.fwd, self.start, self.stop, self.hyp, self.cost
        ops: list[int] = []
        i, j = self.n, self.m
        while i > 0 or j > 0:
            if i == 0:
                ops.append(_INS)
                j -= 1
                continue
            if j == 0:
                ops.append(_DEL)
                i -= 1
                continue
            value = fwd[i][j - start[i]]
            pa, pe = start[i - 1], stop[i - 1]
            c = cost[hyp[i - 1]][j]
            if pa <= j - 1 < pe and fwd[i - 1][j - 1 - pa] + c == value:
                ops.append(_SUB if c else _NOP)
                i -= 1
                j -= 1
            elif j < pe and fwd[i - 1][j - pa] + 1 == value:  # j >= start[i] >= pa
                ops.append(_DEL)
                i -= 1
            else:
                ops.append(_INS)
                j -= 1
        ops.reverse()
        return ops

    def _alignment(self) -> tuple[list[int], list[int], list[int]]:
        """For the current hypothesis: the hypothesis position each reference word aligns to, and,
        for hypothesis and reference positions, where the next error is at or after it.

        As sacrebleu does, the trace is read with insertions and deletions flipped (reference
        rewritten into hypothesis); a reference word that is inserted aligns to the hypothesis
        position before it (``-1`` at the start).
        """
        n, m = self.n, self.m
        align = [0] * m
        hyp_err: list[int] = []
        ref_err: list[int] = []
        pos_h = pos_r = -1
        for op in self._trace():
            if op == _NOP or op == _SUB:
                pos_h += 1
                pos_r += 1
                align[pos_r] = pos_h
                hyp_err.append(op)
                ref_err.append(op)
            elif op == _DEL:  # a hypothesis word with no reference word
                pos_h += 1
                hyp_err.append(1)
            else:  # a reference word with no hypothesis word
                pos_r += 1
                align[pos_r] = pos_h
                ref_err.append(1)
        return align, _next_errors(hyp_err, n), _next_errors(ref_err, m)

    # -- the search ---------------------------------------------------------------------------

    def _round(self, pre: int, checked: int) -> tuple[int, tuple[int, int, int] | None, int]:
        """One call of sacrebleu's ``_shift``: ``(gain, (start, length, target) or None, checked)``."""
        hyp, ref, n, m = self.hyp, self.ref, self.n, self.m
        align, next_hyp_err, next_ref_err = self._alignment()
        best: tuple[int, int, int, int] | None = None
        distances: dict[tuple[int, int, int], int] = {}
        self._forward_tries.clear()  # their rows start from this round's hypothesis
        self._backward_tries.clear()
        word_positions = self.positions
        for sh in range(n):
            positions = word_positions[hyp[sh]]
            if not positions:
                continue
            # reference starts within MAX_SHIFT_DIST of sh, in increasing order as sacrebleu visits them
            first = bisect_left(positions, sh - MAX_SHIFT_DIST)
            last = bisect_right(positions, sh + MAX_SHIFT_DIST)
            err_h = next_hyp_err[sh]
            for sr in positions[first:last]:
                aligned = align[sr]
                err_r = next_ref_err[sr]
                length = 1
                while True:
                    # the shift must move a wrong hypothesis block to a wrong reference place, and
                    # not to inside itself
                    if err_h < sh + length and err_r < sr + length and not sh <= aligned < sh + length:
                        prev_target = -1
                        for p in range(sr - 1, sr + length):
                            target = 0 if p == -1 else align[p] + 1
                            if target == prev_target:
                                continue
                            prev_target = target
                            key = (sh, length, target)
                            distance = distances.get(key)
                            if distance is None:
                                distance = distances[key] = self._candidate_distance(sh, length, target, pre)
                            checked += 1
                            candidate = (pre - distance, length, -sh, -target)
                            if best is None or candidate > best:
                                best = candidate
                        if checked >= MAX_SHIFT_CANDIDATES:
                            return _result(best, checked)
                    if (
                        length >= MAX_SHIFT_SIZE
                        or sh + length >= n
                        or sr + length >= m
                        or hyp[sh + length] != ref[sr + length]
                    ):
                        break
                    length += 1
        return _result(best, checked)

    def _candidate_distance(self, sh: int, length: int, target: int, pre: int) -> int:
        """Edit distance after moving ``length`` words at ``sh`` to before position ``target``.

        Only the rows between ``lo`` and ``hi`` (where the shift changes the hypothesis) are
        computed, then joined to the unchanged part by the minimum over one row of the sum of the
        distances from the start and to the end. Candidates share rows through two tries, so rows
        that several candidates need are computed once per round:

        * moved later (or inside itself), the hypothesis from ``lo = sh`` reads the words after the
          block and then the block, so the rows go forward from ``lo``: candidates with the same
          block and start share the rows of the words they pass over;
        * moved earlier, it reads the block and then the words it jumped over, up to
          ``hi = sh + length``, so the rows go backward from ``hi`` through the jumped-over words
          first (shared by all targets of that block) and the block last.
        """
        hyp = self.hyp
        if target == sh:
            return pre  # the block stays where it is
        if target < sh:
            hi = sh + length
            path = hyp[target:sh][::-1] + hyp[sh:hi][::-1]
            row = self._walk(self._backward_tries, hi, self.bwd[hi], path, -1, self._backward_row)
            return min(map(add, self.fwd[target], row))
        hi = target if target > sh + length else min(self.n, length + target)
        path = hyp[sh + length : hi] + hyp[sh : sh + length]
        row = self._walk(self._forward_tries, sh, self.fwd[sh], path, 1, self._forward_row)
        return min(map(add, row, self.bwd[hi]))

    @staticmethod
    def _walk(tries: dict, root: int, row: list[int], path: list[int], step: int, make: Any) -> list[int]:
        """The row reached from row ``root`` (values ``row``) through the words ``path``, one row per
        word in direction ``step``; rows already computed this round come from ``tries``."""
        node = tries.get(root)
        if node is None:
            node = tries[root] = {}
        i = root
        for token in path:
            entry = node.get(token)
            if entry is None:
                # forward: row i + 1 from row i and the word at i; backward: row i - 1 from row i
                # and the word at i - 1
                if step > 0:
                    row = make(row, i + 1, token)
                else:
                    row = make(row, i - 1, token)
                entry = node[token] = (row, {})
            else:
                row = entry[0]
            node = entry[1]
            i += step
        return row

    def run(self) -> int:
        """Total edits: applied shifts plus the edit distance of the finally shifted hypothesis."""
        n = self.n
        self._forward_from(1)
        shifts = 0
        checked = 0
        dirty_back = n  # bwd rows up to here need recomputing
        while True:
            pre = self.fwd[n][self.m - self.start[n]]
            if n:
                self._backward_from(dirty_back)
            gain, shift, checked = self._round(pre, checked)
            if checked >= MAX_SHIFT_CANDIDATES or gain <= 0 or shift is None:
                # sacrebleu stops when the budget is spent, even if this round found a gain
                return shifts + pre
            shifts += 1
            lo, hi, tokens = _shift_span(self.hyp, *shift)
            self.hyp[lo:hi] = tokens
            self._forward_from(lo + 1)
            dirty_back = hi - 1


def _result(best: tuple[int, int, int, int] | None, checked: int) -> tuple[int, tuple[int, int, int] | None, int]:
    if best is None:
        return 0, None, checked
    gain, length, neg_start, neg_target = best
    return gain, (-neg_start, length, -neg_target), checked


def _next_errors(errors: list[int], size: int) -> list[int]:
    """``out[k]``: the first position ``>= k`` whose error flag is set (``size`` if none)."""
    out = [size] * (size + 1)
    nxt = size
    for k in range(size - 1, -1, -1):
        if errors[k]:
            nxt = k
        out[k] = nxt
    return out


def _shift_span(words: list[int], start: int, length: int, target: int) -> tuple[int, int, list[int]]:
    """Where sacrebleu's ``_perform_shift`` changes ``words``: ``(lo, hi, new words lo .. hi - 1)``.

    The three cases are sacrebleu's: a target before the block, after it, or inside it (where the
    block swaps with the words that follow it, as far as the target reaches).
    """
    block = words[start : start + length]
    if target < start:
        return target, start + length, block + words[target:start]
    if target > start + length:
        return start, target, words[start + length : target] + block
    hi = min(len(words), length + target)
    return start, hi, words[start + length : hi] + block
