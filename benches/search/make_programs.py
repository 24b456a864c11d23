# Builds programs.toml, the sketch set of `anpl bench search`: python3 make_programs.py
# (run in this folder). The program examples are computed by running the correct
# implementations, and every wrong implementation is checked to break its program when it
# is the only wrong hole, so no wrong answer can pass by luck.
import os
import textwrap

P = []

def prog(name, holes, main_src, calls):
    P.append(dict(name=name, holes=holes, main=main_src, calls=calls))

def H(name, sig, doc, contains, correct, wrong):
    return dict(name=name, sig=sig, doc=doc, contains=contains, correct=textwrap.dedent(correct).strip(), wrong=[textwrap.dedent(w).strip() for w in wrong])

prog("mirror_fill", [
  H("mirror_rows", "grid: list[list[int]]) -> list[list[int]]", "Mirror the grid left to right: reverse the order of the cells in every row.", "Mirror the grid left to right",
    """
    def mirror_rows(grid):
        return [list(reversed(row)) for row in grid]
    """, ["""
    def mirror_rows(grid):
        return grid[::-1]
    """, """
    def mirror_rows(grid):
        return [list(col) for col in zip(*grid)]
    """]),
  H("most_common_colour", "grid: list[list[int]]) -> int", "The most frequent non-zero value in the grid; ties go to the smaller value.", "The most frequent non-zero value in the grid",
    """
    from collections import Counter

    def most_common_colour(grid):
        counts = Counter(v for row in grid for v in row if v != 0)
        best = max(counts.values())
        return min(v for v, c in counts.items() if c == best)
    """, ["""
    from collections import Counter

    def most_common_colour(grid):
        counts = Counter(v for row in grid for v in row)
        return counts.most_common(1)[0][0]
    """, """
    from collections import Counter

    def most_common_colour(grid):
        counts = Counter(v for row in grid for v in row if v != 0)
        best = max(counts.values())
        return max(v for v, c in counts.items() if c == best)
    """]),
  H("fill_background", "grid: list[list[int]], colour: int) -> list[list[int]]", "Replace every 0 in the grid with the given colour, returning a new grid.", "Replace every 0 in the grid with the given colour",
    """
    def fill_background(grid, colour):
        return [[colour if v == 0 else v for v in row] for row in grid]
    """, ["""
    def fill_background(grid, colour):
        return [[colour if v != 0 else v for v in row] for row in grid]
    """, """
    def fill_background(grid, colour):
        return [[colour if v == 0 else v for v in row] for row in grid[:-1]] + grid[-1:]
    """]),
], """
    flipped = mirror_rows(grid)
    colour = most_common_colour(flipped)
    return fill_background(flipped, colour)
""", ["main([[0, 1, 2], [1, 0, 0]])", "main([[3, 0, 0], [0, 5, 3], [5, 0, 3]])", "main([[4, 0, 6], [0, 6, 4]])"])

prog("word_report", [
  H("words_of", "text: str) -> list[str]", "Split the text into lowercase words, dropping punctuation around them.", "Split the text into lowercase words",
    """
    import re

    def words_of(text):
        return re.findall(r"[a-z0-9']+", text.lower())
    """, ["""
    def words_of(text):
        return text.lower().split()
    """, """
    import re

    def words_of(text):
        return re.findall(r"[A-Za-z0-9']+", text)
    """]),
  H("count_each", "words: list[str]) -> dict[str, int]", "Count how many times each word occurs.", "Count how many times each word occurs",
    """
    def count_each(words):
        counts = {}
        for w in words:
            counts[w] = counts.get(w, 0) + 1
        return counts
    """, ["""
    def count_each(words):
        return {w: 1 for w in words}
    """, """
    from collections import Counter

    def count_each(words):
        return Counter(words).most_common()
    """]),
  H("top_words", "counts: dict[str, int], k: int) -> list[str]", "The k words with the highest counts, most frequent first, ties in alphabetical order.", "The k words with the highest counts",
    """
    def top_words(counts, k):
        return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
    """, ["""
    def top_words(counts, k):
        return [w for w, _ in sorted(counts.items(), key=lambda kv: kv[1], reverse=True)[:k]]
    """, """
    def top_words(counts, k):
        return sorted(counts, key=lambda w: (counts[w], w))[:k]
    """]),
], """
    return top_words(count_each(words_of(text)), 2)
""", ["main('The cat, the dog. A cat!')", "main('b a b a c c c')", "main('Zed zed ZED, alpha; beta alpha')"])

prog("number_gaps", [
  H("dedupe", "values: list[int]) -> list[int]", "Remove repeated values, keeping the first occurrence of each in its original order.", "Remove repeated values, keeping the first occurrence",
    """
    def dedupe(values):
        seen = set()
        out = []
        for v in values:
            if v not in seen:
                seen.add(v)
                out.append(v)
        return out
    """, ["""
    def dedupe(values):
        return sorted(set(values))
    """, """
    def dedupe(values):
        return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]
    """]),
  H("neighbour_gaps", "values: list[int]) -> list[int]", "The absolute differences between each value and the next one.", "The absolute differences between each value and the next",
    """
    def neighbour_gaps(values):
        return [abs(b - a) for a, b in zip(values, values[1:])]
    """, ["""
    def neighbour_gaps(values):
        return [b - a for a, b in zip(values, values[1:])]
    """, """
    def neighbour_gaps(values):
        return [abs(values[i] - values[i - 1]) for i in range(len(values))]
    """]),
  H("widest_gap_index", "gaps: list[int]) -> int", "The position of the largest gap; the first one when several are equally large.", "The position of the largest gap",
    """
    def widest_gap_index(gaps):
        return max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    """, ["""
    def widest_gap_index(gaps):
        return max(range(len(gaps)), key=lambda i: gaps[i] * 1000 + i)
    """, """
    def widest_gap_index(gaps):
        return gaps.index(max(gaps)) + 1
    """]),
], """
    unique = dedupe(values)
    gaps = neighbour_gaps(unique)
    i = widest_gap_index(gaps)
    return (unique[i], unique[i + 1])
""", ["main([1, 3, 3, 9, 4, 1, 10])", "main([5, 2, 8, 2, 11, 5])", "main([7, 0, 7, 0, 3])"])

prog("crop_scale", [
  H("crop_to_content", "grid: list[list[int]]) -> list[list[int]]", "Crop the grid to the smallest rectangle holding every non-zero cell.", "Crop the grid to the smallest rectangle",
    """
    def crop_to_content(grid):
        rows = [i for i, row in enumerate(grid) if any(row)]
        cols = [j for j in range(len(grid[0])) if any(row[j] for row in grid)]
        return [row[cols[0]:cols[-1] + 1] for row in grid[rows[0]:rows[-1] + 1]]
    """, ["""
    def crop_to_content(grid):
        rows = [row for row in grid if any(row)]
        return rows
    """, """
    def crop_to_content(grid):
        rows = [i for i, row in enumerate(grid) if any(row)]
        cols = [j for j in range(len(grid[0])) if any(row[j] for row in grid)]
        return [row[cols[0]:cols[-1]] for row in grid[rows[0]:rows[-1]]]
    """]),
  H("scale_up", "grid: list[list[int]], factor: int) -> list[list[int]]", "Scale the grid up: every cell becomes a factor-by-factor block of the same value.", "every cell becomes a factor-by-factor block",
    """
    def scale_up(grid, factor):
        out = []
        for row in grid:
            wide = [v for v in row for _ in range(factor)]
            out.extend([list(wide) for _ in range(factor)])
        return out
    """, ["""
    def scale_up(grid, factor):
        return [[v for v in row for _ in range(factor)] for row in grid]
    """, """
    def scale_up(grid, factor):
        out = []
        for row in grid:
            out.extend([list(row) * factor for _ in range(factor)])
        return out
    """]),
  H("add_border", "grid: list[list[int]], colour: int) -> list[list[int]]", "Surround the grid with a one-cell border of the given colour.", "Surround the grid with a one-cell border",
    """
    def add_border(grid, colour):
        width = len(grid[0]) + 2
        return [[colour] * width] + [[colour] + list(row) + [colour] for row in grid] + [[colour] * width]
    """, ["""
    def add_border(grid, colour):
        return [[colour] + list(row) + [colour] for row in grid]
    """, """
    def add_border(grid, colour):
        width = len(grid[0])
        return [[colour] * width] + [list(row) for row in grid] + [[colour] * width]
    """]),
], """
    small = crop_to_content(grid)
    return add_border(scale_up(small, 2), 9)
""", ["main([[0, 0, 0], [0, 1, 2], [0, 0, 0]])", "main([[0, 3], [0, 0]])", "main([[0, 0, 0, 0], [0, 4, 0, 0], [0, 0, 5, 0]])"])

prog("cipher", [
  H("shift_letters", "text: str, n: int) -> str", "Shift every letter n places forward in the alphabet, wrapping from z to a and keeping case; other characters stay.", "Shift every letter n places forward in the alphabet",
    """
    def shift_letters(text, n):
        out = []
        for ch in text:
            if ch.islower():
                out.append(chr((ord(ch) - 97 + n) % 26 + 97))
            elif ch.isupper():
                out.append(chr((ord(ch) - 65 + n) % 26 + 65))
            else:
                out.append(ch)
        return ''.join(out)
    """, ["""
    def shift_letters(text, n):
        return ''.join(chr(ord(ch) + n) if ch.isalpha() else ch for ch in text)
    """, """
    def shift_letters(text, n):
        out = []
        for ch in text:
            if ch.islower():
                out.append(chr((ord(ch) - 97 - n) % 26 + 97))
            elif ch.isupper():
                out.append(chr((ord(ch) - 65 - n) % 26 + 65))
            else:
                out.append(ch)
        return ''.join(out)
    """]),
  H("reverse_words", "text: str) -> str", "Reverse the letters of each word separately, keeping the words in their order.", "Reverse the letters of each word separately",
    """
    def reverse_words(text):
        return ' '.join(w[::-1] for w in text.split(' '))
    """, ["""
    def reverse_words(text):
        return ' '.join(reversed(text.split(' ')))
    """, """
    def reverse_words(text):
        return text[::-1]
    """]),
  H("sentence_case", "text: str) -> str", "Make the first character of the text upper case and every other letter lower case.", "Make the first character of the text upper case",
    """
    def sentence_case(text):
        return text[:1].upper() + text[1:].lower()
    """, ["""
    def sentence_case(text):
        return text.capitalize().title()
    """, """
    def sentence_case(text):
        return text[:1].upper() + text[1:]
    """]),
], """
    return sentence_case(reverse_words(shift_letters(text, key)))
""", ["main('abc xyz', 1)", "main('Hello World', 3)", "main('zoo Bar', 2)"])


prog("intervals", [
  H("merge_intervals", "spans: list[tuple[int, int]]) -> list[tuple[int, int]]", "Merge overlapping or touching (start, end) intervals, returned sorted by start.", "Merge overlapping or touching (start, end) intervals",
    """
    def merge_intervals(spans):
        out = []
        for start, end in sorted(spans):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out
    """, ["""
    def merge_intervals(spans):
        out = []
        for start, end in sorted(spans):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
        return out
    """, """
    def merge_intervals(spans):
        out = []
        for start, end in spans:
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out
    """]),
  H("gaps_between", "spans: list[tuple[int, int]]) -> list[tuple[int, int]]", "The uncovered (end, next start) stretches between consecutive sorted intervals.", "The uncovered (end, next start) stretches",
    """
    def gaps_between(spans):
        return [(a[1], b[0]) for a, b in zip(spans, spans[1:]) if b[0] > a[1]]
    """, ["""
    def gaps_between(spans):
        return [(a[0], b[1]) for a, b in zip(spans, spans[1:])]
    """, """
    def gaps_between(spans):
        return [(a[1] + 1, b[0] - 1) for a, b in zip(spans, spans[1:])]
    """]),
  H("total_length", "spans: list[tuple[int, int]]) -> int", "The sum of end minus start over all intervals.", "The sum of end minus start over all intervals",
    """
    def total_length(spans):
        return sum(end - start for start, end in spans)
    """, ["""
    def total_length(spans):
        return sum(end - start + 1 for start, end in spans)
    """, """
    def total_length(spans):
        return spans[-1][1] - spans[0][0] if spans else 0
    """]),
], """
    merged = merge_intervals(spans)
    return total_length(merged), total_length(gaps_between(merged))
""", ["main([(1, 3), (2, 5), (8, 9)])", "main([(10, 12), (0, 2), (2, 4), (6, 7)])", "main([(1, 10), (2, 3), (12, 15)])"])

prog("colour_lines", [
  H("cells_of_colour", "grid: list[list[int]], colour: int) -> list[tuple[int, int]]", "The (row, column) positions of every cell holding the colour, in reading order.", "positions of every cell holding the colour",
    """
    def cells_of_colour(grid, colour):
        return [(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v == colour]
    """, ["""
    def cells_of_colour(grid, colour):
        return [(j, i) for i, row in enumerate(grid) for j, v in enumerate(row) if v == colour]
    """, """
    def cells_of_colour(grid, colour):
        return [(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v != 0]
    """]),
  H("draw_cross", "grid: list[list[int]], row: int, col: int, colour: int) -> list[list[int]]", "A copy of the grid with the whole row and the whole column through the cell painted in the colour.", "the whole row and the whole column through the cell",
    """
    def draw_cross(grid, row, col, colour):
        out = [list(r) for r in grid]
        for j in range(len(out[row])):
            out[row][j] = colour
        for i in range(len(out)):
            out[i][col] = colour
        return out
    """, ["""
    def draw_cross(grid, row, col, colour):
        out = [list(r) for r in grid]
        for j in range(len(out[0])):
            out[j % len(out)][col] = colour
        for i in range(len(out)):
            out[row][i % len(out[0])] = colour
        out[row][col] = grid[row][col]
        return out
    """, """
    def draw_cross(grid, row, col, colour):
        out = [list(r) for r in grid]
        for j in range(len(out[row])):
            out[row][j] = colour
        return out
    """]),
  H("count_colour", "grid: list[list[int]], colour: int) -> int", "How many cells of the grid hold the colour.", "How many cells of the grid hold the colour",
    """
    def count_colour(grid, colour):
        return sum(v == colour for row in grid for v in row)
    """, ["""
    def count_colour(grid, colour):
        return sum(colour in row for row in grid)
    """, """
    def count_colour(grid, colour):
        return sum(v != colour for row in grid for v in row)
    """]),
], """
    out = grid
    for r, c in cells_of_colour(grid, 2):
        out = draw_cross(out, r, c, 2)
    return out, count_colour(out, 0)
""", ["main([[0, 0, 0], [0, 2, 0], [0, 0, 0]])", "main([[0, 0, 2, 0], [0, 0, 0, 0], [0, 0, 0, 0]])", "main([[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 2, 0], [1, 0, 0, 0]])"])

prog("rotate_pairs", [
  H("rotate_right", "values: list[int], k: int) -> list[int]", "Rotate the list k places to the right, so the last k values come first.", "Rotate the list k places to the right",
    """
    def rotate_right(values, k):
        if not values:
            return []
        k %= len(values)
        return values[-k:] + values[:-k] if k else list(values)
    """, ["""
    def rotate_right(values, k):
        return values[k:] + values[:k]
    """, """
    def rotate_right(values, k):
        return values[-k:] + values[:-k]
    """]),
  H("pair_sums", "values: list[int]) -> list[int]", "The sums of each value with the next one, wrapping around so the last pairs with the first.", "The sums of each value with the next one, wrapping around",
    """
    def pair_sums(values):
        return [values[i] + values[(i + 1) % len(values)] for i in range(len(values))]
    """, ["""
    def pair_sums(values):
        return [a + b for a, b in zip(values, values[1:])]
    """, """
    def pair_sums(values):
        return [values[i] + values[i - 1] for i in range(len(values))]
    """]),
  H("argmax_first", "values: list[int]) -> int", "The index of the largest value, the first one on ties.", "The index of the largest value, the first one on ties",
    """
    def argmax_first(values):
        return values.index(max(values))
    """, ["""
    def argmax_first(values):
        return len(values) - 1 - values[::-1].index(max(values))
    """, """
    def argmax_first(values):
        return sorted(range(len(values)), key=lambda i: values[i])[-1]
    """]),
], """
    rolled = rotate_right(values, k)
    sums = pair_sums(rolled)
    return argmax_first(sums), sums
""", ["main([1, 2, 3, 4], 1)", "main([5, 0, 0, 5, 1], 7)", "main([3, 3, 1, 3], 2)"])

prog("grid_stats", [
  H("transpose", "grid: list[list[int]]) -> list[list[int]]", "Swap rows and columns of the grid.", "Swap rows and columns of the grid",
    """
    def transpose(grid):
        return [list(col) for col in zip(*grid)]
    """, ["""
    def transpose(grid):
        return [row[::-1] for row in grid]
    """, """
    def transpose(grid):
        return [list(col) for col in zip(*grid[::-1])]
    """]),
  H("row_sums", "grid: list[list[int]]) -> list[int]", "The sum of each row.", "The sum of each row",
    """
    def row_sums(grid):
        return [sum(row) for row in grid]
    """, ["""
    def row_sums(grid):
        return [sum(col) for col in zip(*grid)]
    """, """
    def row_sums(grid):
        return [max(row) for row in grid]
    """]),
  H("rank_desc", "values: list[int]) -> list[int]", "The indices of the values sorted from largest to smallest value, ties by index.", "The indices of the values sorted from largest to smallest",
    """
    def rank_desc(values):
        return sorted(range(len(values)), key=lambda i: (-values[i], i))
    """, ["""
    def rank_desc(values):
        return sorted(range(len(values)), key=lambda i: (values[i], i), reverse=True)
    """, """
    def rank_desc(values):
        return sorted(values, reverse=True)
    """]),
  H("pick_rows", "grid: list[list[int]], order: list[int]) -> list[list[int]]", "The rows of the grid in the given order of indices.", "The rows of the grid in the given order of indices",
    """
    def pick_rows(grid, order):
        return [list(grid[i]) for i in order]
    """, ["""
    def pick_rows(grid, order):
        return [list(grid[i]) for i in sorted(order)]
    """, """
    def pick_rows(grid, order):
        return [list(grid[order[i]]) for i in order]
    """]),
], """
    columns = transpose(grid)
    order = rank_desc(row_sums(columns))
    return pick_rows(columns, order)
""", ["main([[1, 5, 0], [2, 0, 3]])", "main([[0, 4], [4, 0], [1, 1]])", "main([[2, 2, 9, 1]])"])

prog("run_lengths", [
  H("run_length_encode", "text: str) -> list[tuple[str, int]]", "Run-length encode the text as (character, run length) pairs.", "Run-length encode the text",
    """
    def run_length_encode(text):
        out = []
        for ch in text:
            if out and out[-1][0] == ch:
                out[-1] = (ch, out[-1][1] + 1)
            else:
                out.append((ch, 1))
        return out
    """, ["""
    from collections import Counter

    def run_length_encode(text):
        return list(Counter(text).items())
    """, """
    def run_length_encode(text):
        out = []
        for ch in text:
            if out and out[-1][0] == ch:
                out[-1] = (ch, out[-1][1] + 1)
            else:
                out.append((ch, 0))
        return out
    """]),
  H("longest_run", "runs: list[tuple[str, int]]) -> tuple[str, int]", "The pair with the longest run, the earliest one on ties.", "The pair with the longest run, the earliest one on ties",
    """
    def longest_run(runs):
        best = runs[0]
        for r in runs[1:]:
            if r[1] > best[1]:
                best = r
        return best
    """, ["""
    def longest_run(runs):
        return max(runs)
    """, """
    def longest_run(runs):
        best = runs[0]
        for r in runs[1:]:
            if r[1] >= best[1]:
                best = r
        return best
    """]),
  H("expand_runs", "runs: list[tuple[str, int]]) -> str", "Rebuild the text from (character, run length) pairs.", "Rebuild the text from (character, run length) pairs",
    """
    def expand_runs(runs):
        return ''.join(ch * n for ch, n in runs)
    """, ["""
    def expand_runs(runs):
        return ''.join(ch for ch, n in runs)
    """, """
    def expand_runs(runs):
        return ''.join(f"{ch}{n}" for ch, n in runs)
    """]),
], """
    runs = run_length_encode(text)
    ch, n = longest_run(runs)
    return expand_runs([r for r in runs if r[0] != ch]), n
""", ["main('aaabccdddd')", "main('aabbbaac')", "main('xxyyzz')"])

MAIN_SIGS = {
 "mirror_fill": "grid: list[list[int]]) -> list[list[int]]",
 "word_report": "text: str) -> list[str]",
 "number_gaps": "values: list[int]) -> tuple[int, int]",
 "crop_scale": "grid: list[list[int]]) -> list[list[int]]",
 "cipher": "text: str, key: int) -> str",
 "intervals": "spans: list[tuple[int, int]]) -> tuple[int, int]",
 "colour_lines": "grid: list[list[int]]) -> tuple[list[list[int]], int]",
 "rotate_pairs": "values: list[int], k: int) -> tuple[int, list[int]]",
 "grid_stats": "grid: list[list[int]]) -> list[list[int]]",
 "run_lengths": "text: str) -> tuple[str, int]",
}
MAIN_DOCS = {
 "mirror_fill": "Mirror the grid and paint its background in its main colour.",
 "word_report": "The two most frequent words of the text.",
 "number_gaps": "The two neighbouring distinct values with the widest gap between them.",
 "crop_scale": "Crop the picture, double its size and frame it in colour 9.",
 "cipher": "Encrypt the text: shift it, reverse each word, then sentence case.",
 "intervals": "How much the merged intervals cover, and how much lies between them.",
 "colour_lines": "Draw a cross through every cell of colour 2, and count what stays empty.",
 "rotate_pairs": "Where the largest wrapped pair sum of the rotated list is, and the sums.",
 "grid_stats": "The columns of the grid as rows, heaviest first.",
 "run_lengths": "The text without its longest run's character, and that run's length.",
}

def render_sketch(p, with_examples):
    parts = []
    for h in p['holes']:
        parts.append(f'def {h["name"]}({h["sig"]}:\n    """{h["doc"]}"""\n')
    doc = MAIN_DOCS[p['name']]
    lines = [f'def main({MAIN_SIGS[p["name"]]}:', f'    """{doc}', '']
    for call, exp in with_examples:
        lines.append(f'    >>> {call}')
        lines.append(f'    {exp}')
    lines.append('    """')
    body = textwrap.dedent(p['main']).strip('\n')
    lines.extend('    ' + l if l else l for l in body.split('\n'))
    parts.append('\n'.join(lines) + '\n')
    return '\n\n'.join(parts)

out = ['# The sketch set of `anpl bench search`: programs of several holes, none with examples',
       '# of its own, only the program\'s. Each hole lists its correct implementation and',
       '# plausible wrong ones; the bench serves them at random with chosen probabilities.', '']
for p in P:
    ns = {}
    src0 = render_sketch(p, [])
    exec(src0, ns)
    for h in p['holes']:
        exec(h['correct'], ns)
    exs = [(c, repr(eval(c, ns))) for c in p['calls']]
    sketch = render_sketch(p, exs)
    # Make sure every wrong variant actually breaks the program on some combination: at
    # least the program fails when only that hole is wrong.
    for h in p['holes']:
        for w in h['wrong']:
            ns2 = {}
            exec(src0, ns2)
            for h2 in p['holes']:
                exec(w if h2 is h else h2['correct'], ns2)
            ok = True
            for c, e in exs:
                try:
                    ok = ok and repr(eval(c, ns2)) == e
                except Exception:
                    ok = False
            if ok: print("NOT CAUGHT", p["name"], h["name"], w.splitlines()[-1])
    out.append('[[program]]')
    out.append(f'name = "{p["name"]}"')
    out.append("sketch = '''\n" + sketch + "'''")
    for h in p['holes']:
        out.append('')
        out.append('[[program.hole]]')
        out.append(f'name = "{h["name"]}"')
        out.append(f'contains = "{h["contains"]}"')
        out.append("correct = '''\n" + h['correct'] + "\n'''")
        out.append('wrong = [')
        for w in h['wrong']:
            out.append("'''\n" + w + "\n''',")
        out.append(']')
    out.append('')
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'programs.toml'), 'w').write('\n'.join(out))
print(len(P), 'programs', sum(len(p['holes']) for p in P), 'holes')
