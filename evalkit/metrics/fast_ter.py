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
``hi``; the rows above ``lo`` are those of the unshifted hypothesis, and so are the distances from
row ``hi`` to the end (a backward pass over the same band, once per round). A candidate therefore
costs only the rows between ``lo`` and ``hi`` plus one row-wide minimum, and the rows through the
words a block jumps over are shared by all the targets of that block. Each row is computed with
Myers' bit-parallel edit-distance step on Python integers (a dozen operations instead of a loop
over the row's ~50 cells), with the band's edges handled so that every value on it is exact.
Together that is 100-200 times faster than sacrebleu on Chinese abstracts
(``bench/ter_bench.py``).

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
from itertools import accumulate
from operator import add, sub
from typing import Any, Sequence

#: sacrebleu's limits (``lib_ter``); the tests check these still equal sacrebleu's own.
MAX_SHIFT_SIZE = 10
MAX_SHIFT_DIST = 50
BEAM_WIDTH = 25
MAX_SHIFT_CANDIDATES = 1000

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
    support, case) apply: its own tokeniser prepares the texts exactly as its
    ``_extract_corpus_statistics`` does.
    The row equals that method's for ``[hypothesis]`` and ``[[r] for r in references]``, types
    included (an ``int`` edit count, a ``float`` length). ``references`` must not be empty.
    """
    if not references:
        raise ValueError("TER needs at least one reference")
    prepare = metric._preprocess_segment
    words_hyp = prepare(hypothesis).split()
    best_edits = int(1e16)  # sacrebleu's starting "infinity"; any real count is smaller
    total_length = 0
    for reference in references:
        # sacrebleu tokenises a reference twice (when it caches the references and again when it
        # splits them into words), and its tokeniser is not idempotent ("it's." becomes "it's ."
        # and then "it 's ."), so the same is done here
        edits, length = translation_edit_rate(words_hyp, prepare(prepare(reference)).split())
        total_length += length
        if edits < best_edits:
            best_edits = edits
    return [best_edits, total_length / len(references)]


class _BandRows:
    """Rows of a beam-limited edit-distance matrix as bit vectors (Myers' bit-parallel algorithm).

    Row ``i`` covers the columns ``start[i] <= j < stop[i]`` (both non-decreasing in ``i``); cells
    off the band are unreachable, as in sacrebleu. A row is a state ``(vp, vn, base)``: bit ``k`` of
    ``vp`` (``vn``) says that the cell at column ``start[i] + k`` is one more (one less) than the
    cell to its left, and ``base`` is the value of that left neighbour of the first column.

    Myers' step needs finite neighbours with differences of at most one, so the off-band cells the
    step reads get stand-in values chosen never to undercut a real path, which keeps every value on
    the band exact:

    * the cell left of the first column is the cell above it plus one (Myers' boundary), which is
      never less than the first cell, so a step from it is never better; when the band did not
      move, the diagonal from the previous row's stand-in into the first column is masked off;
    * cells of the previous row right of its band rise by one per column, so a step down from them
      is worse than the diagonal beside it, and the diagonal matches from them are masked off.

    One row then costs a dozen integer operations instead of a Python loop over its ~50 cells.

    ``peq[t]`` has bit ``j`` set where the reference word at column ``j`` (``ref[j - 1]``) is ``t``.
    """

    def __init__(self, start: list[int], stop: list[int], peq: list[int]) -> None:
        self.start = start
        self.widths = widths = [e - a for a, e in zip(start, stop)]
        moved, low, grown, eq_mask, row_mask = [0], [0], [0], [0], [(1 << widths[0]) - 1]
        for i in range(1, len(start)):
            a, e, pa, pe = start[i], stop[i], start[i - 1], stop[i - 1]
            width = e - a
            d = a - pa  # how far the band moved right; the row above it is re-based by d bits
            moved.append(d)
            low.append((1 << d) - 1)
            # columns pe .. e - 1 have no cell above on the band: rising by one, so never chosen
            grown.append(((1 << width) - 1) ^ ((1 << (pe - a)) - 1))
            # no diagonal from off-band cells: columns past pe, and the first column if d == 0
            mask = (1 << min(width, pe + 1 - a)) - 1
            eq_mask.append(mask & ~1 if d == 0 else mask)
            row_mask.append((1 << width) - 1)
        # row 0 is 0, 1, 2, ... with the cell to the left of column 0 taken as 1
        self.first = (row_mask[0] ^ 1, 1, 1)

        def step(state: tuple[int, int, int], i: int, token: int) -> tuple[int, int, int]:
            """Row ``i`` from row ``i - 1`` (``state``) and the hypothesis word of row ``i``."""
            vp, vn, base = state
            d = moved[i]
            if d:
                bits = low[i]
                base += (vp & bits).bit_count() - (vn & bits).bit_count()
                vp >>= d
                vn >>= d
            vp |= grown[i]
            x = ((peq[token] >> start[i]) & eq_mask[i]) | vn
            d0 = (((x & vp) + vp) ^ vp) | x
            hn = vp & d0
            hp = vn | ~(vp | d0)
            x = (hp << 1) | 1  # the cell left of the band is one more than the one above it
            mask = row_mask[i]
            return ((hn << 1) | ~(x | d0)) & mask, x & d0 & mask, base + 1

        self.step = step

    def values(self, state: tuple[int, int, int], i: int) -> list[int]:
        """The distances of row ``i`` (``state``), column by column."""
        vp, vn, base = state
        width = self.widths[i]
        ups = f"{vp:0{width}b}".encode()[::-1]  # b"0"/b"1" per column, first column first
        downs = f"{vn:0{width}b}".encode()[::-1]
        return list(accumulate(map(sub, ups, downs), initial=base))[1:]

    def last(self, state: tuple[int, int, int]) -> int:
        """The distance at the last column of ``state``'s row."""
        vp, vn, base = state
        return base + vp.bit_count() - vn.bit_count()


class _ShiftSearch:
    """The greedy shift search of one hypothesis (token ids) against one reference.

    ``fwd[i]`` is row ``i`` of the distances from the start (hypothesis rows, reference columns);
    ``bwd[n - i]`` row ``i`` of the distances to the end, computed as the forward distances of the
    reversed words over the reversed band. Both are exact shortest paths through the beam's cells,
    which is what sacrebleu's beam-limited recurrence computes, so the distance of a hypothesis is
    the minimum over any row of the sum of the two.
    """

    def __init__(self, hyp: list[int], ref: list[int], n_ids: int) -> None:
        self.hyp = hyp
        self.ref = ref
        n, m = len(hyp), len(ref)
        self.n, self.m = n, m
        # The beam, exactly as sacrebleu computes it (float ratio, floor of its multiples).
        ratio = m / n if n else 1
        width = math.ceil(ratio / 2 + BEAM_WIDTH) if BEAM_WIDTH < ratio / 2 else BEAM_WIDTH
        start, stop = [0], [m + 1]
        for i in range(1, n + 1):
            diagonal = math.floor(i * ratio)
            start.append(max(0, diagonal - width))
            stop.append(m + 1 if i == n else min(m + 1, diagonal + width))  # the last row is complete
        if n:
            # Row 0 is complete in sacrebleu, but its cells right of row 1's band lead nowhere (no
            # path from them reaches the end), so the band can stop where row 1's does.
            stop[0] = stop[1]
        self.start, self.stop = start, stop
        # match[t][j]: whether token t matches the reference word at column j (ref[j - 1])
        self.match = [bytearray(m + 1) for _ in range(n_ids)]
        peq, reversed_peq = [0] * n_ids, [0] * n_ids
        positions: list[list[int]] = [[] for _ in range(n_ids)]
        for j, t in enumerate(ref):
            self.match[t][j + 1] = 1
            peq[t] |= 1 << (j + 1)
            reversed_peq[t] |= 1 << (m - j)
            positions[t].append(j)
        self.positions = positions
        self.forward = _BandRows(start, stop, peq)
        # column j of row i is column m - j of row n - i of the reversed matrix
        self.backward = _BandRows(
            [m + 1 - stop[n - k] for k in range(n + 1)], [m + 1 - start[n - k] for k in range(n + 1)], reversed_peq
        )
        self.fwd: list[tuple[int, int, int]] = [self.forward.first]
        self.bwd: list[tuple[int, int, int]] = [self.backward.first]
        # Decoded rows of the current hypothesis (kept across rounds where a shift leaves them), and
        # per round the rows of shifted hypotheses computed so far, by the row they start from.
        self._fwd_values: list[list[int] | None] = [None] * (n + 1)
        self._bwd_values: list[list[int] | None] = [None] * (n + 1)
        self._passes: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}

    # -- rows ---------------------------------------------------------------------------------

    def _forward_from(self, first: int) -> None:
        """Recompute ``fwd`` rows ``first .. n`` (rows before ``first`` are still valid)."""
        fwd, hyp, step, decoded = self.fwd, self.hyp, self.forward.step, self._fwd_values
        del fwd[first:]
        state = fwd[-1]
        for i in range(first, self.n + 1):
            state = step(state, i, hyp[i - 1])
            fwd.append(state)
            decoded[i] = None

    def _backward_from(self, first: int) -> None:
        """Recompute ``bwd`` rows ``first .. n``, that is rows ``n - first .. 0`` of the matrix."""
        bwd, hyp, step, n, decoded = self.bwd, self.hyp, self.backward.step, self.n, self._bwd_values
        del bwd[first:]
        state = bwd[-1]
        for k in range(first, n + 1):
            state = step(state, k, hyp[n - k])
            bwd.append(state)
            decoded[n - k] = None

    def _forward_values(self, i: int) -> list[int]:
        """Distances from the start to row ``i``, in column order."""
        values = self._fwd_values[i]
        if values is None:
            values = self._fwd_values[i] = self.forward.values(self.fwd[i], i)
        return values

    def _backward_values(self, i: int) -> list[int]:
        """Distances to the end from row ``i``, in column order."""
        values = self._bwd_values[i]
        if values is None:
            values = self._bwd_values[i] = self.backward.values(self.bwd[self.n - i], self.n - i)[::-1]
        return values

    # -- alignment ----------------------------------------------------------------------------

    def _trace(self, pre: int) -> list[int]:
        """sacrebleu's trace of edit operations (hypothesis → reference), start to end.

        A cell's operation is the first of match/substitution, deletion, insertion whose cost gives
        the cell's value (``pre`` at the end): that is how sacrebleu's strict ``>`` comparisons
        leave it. The values of the cells above come from popcounts of their row's bit vectors.
        """
        start, stop, hyp, match, fwd = self.start, self.stop, self.hyp, self.match, self.fwd
        ops: list[int] = []
        i, j = self.n, self.m
        value = pre
        while i > 0 or j > 0:
            if i == 0:
                ops.append(_INS)
                j -= 1
                continue
            if j == 0:
                ops.append(_DEL)
                i -= 1
                continue
            vp, vn, base = fwd[i - 1]
            pa, pe = start[i - 1], stop[i - 1]
            c = 1 - match[hyp[i - 1]][j]
            if pa <= j - 1 < pe:
                bits = (1 << (j - pa)) - 1  # the row above, up to column j - 1
                diagonal = base + (vp & bits).bit_count() - (vn & bits).bit_count()
                if diagonal + c == value:
                    ops.append(_SUB if c else _NOP)
                    i -= 1
                    j -= 1
                    value = diagonal
                    continue
            if j < pe:  # and j >= start[i] >= pa
                bits = (1 << (j - pa + 1)) - 1
                above = base + (vp & bits).bit_count() - (vn & bits).bit_count()
                if above + 1 == value:
                    ops.append(_DEL)
                    i -= 1
                    value = above
                    continue
            ops.append(_INS)  # then the cell to the left is one less
            j -= 1
            value -= 1
        ops.reverse()
        return ops

    def _alignment(self, pre: int) -> tuple[list[int], list[int], list[int]]:
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
        for op in self._trace(pre):
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
        align, next_hyp_err, next_ref_err = self._alignment(pre)
        best: tuple[int, int, int, int] | None = None
        distances: dict[tuple[int, int, int], int] = {}
        self._passes.clear()  # their rows start from this round's hypothesis
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
        distances from the start and to the end. The words a block jumps over come first on the
        side the rows are computed from, so the rows through them are shared by every target of
        the same block (kept per round in ``_passes``), and only the block's own rows are new:

        * moved later (or inside itself), the hypothesis from ``lo = sh`` reads the words after the
          block and then the block: rows go forward from ``lo``;
        * moved earlier, it reads the block and then the words it jumped over, up to
          ``hi = sh + length``: rows go backward from ``hi``.
        """
        hyp, n = self.hyp, self.n
        if target == sh:
            return pre  # the block stays where it is
        if target < sh:
            hi = sh + length
            rows = self.backward
            passed = self._passed(-1, sh, length, sh - target)
            i = n - target - length
            for token in reversed(hyp[sh:hi]):
                i += 1
                passed = rows.step(passed, i, token)
            return min(map(add, self._forward_values(target), reversed(rows.values(passed, i))))
        hi = target if target > sh + length else min(n, length + target)
        rows = self.forward
        passed = self._passed(1, sh, length, hi - sh - length)
        i = hi - length
        for token in hyp[sh : sh + length]:
            i += 1
            passed = rows.step(passed, i, token)
        return min(map(add, rows.values(passed, i), self._backward_values(hi)))

    def _passed(self, direction: int, sh: int, length: int, count: int) -> tuple[int, int, int]:
        """The row reached from the block's edge through the first ``count`` words it jumps over.

        Forward (``direction`` 1) from row ``sh`` through the words after the block; backward from
        row ``sh + length`` through the words before ``sh``, nearest first.
        """
        key = (direction, sh, length)
        states = self._passes.get(key)
        if states is None:
            first = self.fwd[sh] if direction > 0 else self.bwd[self.n - sh - length]
            states = self._passes[key] = [first]
        have = len(states)
        if count >= have:
            hyp, state = self.hyp, states[-1]
            if direction > 0:
                step, row, words = self.forward.step, sh + have - 1, hyp[sh + length + have - 1 : sh + length + count]
            else:
                step, row, words = self.backward.step, self.n - sh - length + have - 1, hyp[sh - count : sh - have + 1][::-1]
            for token in words:
                row += 1
                state = step(state, row, token)
                states.append(state)
        return states[count]

    def run(self) -> int:
        """Total edits: applied shifts plus the edit distance of the finally shifted hypothesis."""
        n = self.n
        self._forward_from(1)
        self._backward_from(1)
        shifts = 0
        checked = 0
        while True:
            pre = self.forward.last(self.fwd[n])
            gain, shift, checked = self._round(pre, checked)
            if checked >= MAX_SHIFT_CANDIDATES or gain <= 0 or shift is None:
                # sacrebleu stops when the budget is spent, even if this round found a gain
                return shifts + pre
            shifts += 1
            lo, hi, tokens = _shift_span(self.hyp, *shift)
            self.hyp[lo:hi] = tokens
            self._forward_from(lo + 1)  # rows up to lo depend only on the words before lo
            self._backward_from(n - hi + 1)  # and rows from hi on only on the words from hi


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
