"""What a table request says about its own shape, read without a model.

``read_request("Planets with the columns Planet, Diameter (km), Moons")`` gives the columns exactly as
written (case, units, order); ``"Name three rivers…"``, ``"六种常见办公软件"``, ``"January to June"`` and
``"2019–2024"`` give a row count; ``"根据下面的内容做表：…"`` or ``"… from this text: …"`` marks an
extraction and splits off the text to extract from. A small model cannot be trusted with any of this,
so it is plain parsing, and what it finds is then fixed by the schemas the model writes under.
"""

from __future__ import annotations

import dataclasses
import re

MAX_COUNT = 100
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclasses.dataclass(frozen=True)
class TableRequest:
    text: str  # the request itself, without any text to extract from
    columns: tuple[str, ...] = ()  # named in the request, exactly as written; () when it names none
    rows: int | None = None  # the row count the request states
    extract: bool = False  # the table is to be taken out of a text
    source: str = ""  # that text, when the request carries it
    keys: tuple[str, ...] = ()  # the rows' key values when the request states them as a range, one a row
    key_kind: str = ""  # what those keys are: "month", "year", "day" or "quarter"

    @property
    def lang(self) -> str:
        return "zh" if _CJK.search(self.text + self.source) else "en"


def read_request(text: str, *, columns: str = "", rows: str = "", extract: bool = False) -> TableRequest:
    """Read a request; ``columns``/``rows`` are what a form's own fields say (they win when given)."""
    instruction, source = split_source(text)
    extract = extract or bool(source) or is_extraction(instruction)
    named = tuple(split_list(columns)) if columns.strip() else named_columns(instruction)
    count = (_bounded(_number(rows.strip())) or row_count(rows)) if rows.strip() else None
    if count is None:
        count = row_count(instruction)
    kind, keys = stated_range(instruction)
    if extract or len(keys) != count:
        kind, keys = "", ()  # a count the form or the request states otherwise wins over the range
    return TableRequest(instruction.strip(), named, count, extract, source.strip(), keys, kind)


# ------------------------------------------------------------------ numbers

_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "dozen": 12,
    "a dozen": 12, "a couple of": 2, "a pair of": 2,
}
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMBER = "[零一二两三四五六七八九十百]+"


def zh_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十五 → 25, 一百 → 100; digits as they are."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _ZH_DIGITS and ch not in "十百" for ch in text):
        return None
    if "百" in text:
        head, _, rest = text.partition("百")
        hundreds = _ZH_DIGITS.get(head, 1 if not head else -1)
        tail = zh_number(rest.lstrip("零")) if rest else 0
        return None if hundreds < 0 or tail is None else hundreds * 100 + tail
    if "十" in text:
        head, _, rest = text.partition("十")
        tens = _ZH_DIGITS.get(head, 1 if not head else -1)
        ones = _ZH_DIGITS.get(rest, 0 if not rest else -1)
        return None if tens < 0 or ones < 0 else tens * 10 + ones
    return _ZH_DIGITS.get(text) if len(text) == 1 else None


def _number(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    return _EN_NUMBERS.get(word) if word in _EN_NUMBERS else zh_number(word)


_EN_NUMBER = r"(?:\d{1,3}|a\s+dozen|a\s+couple\s+of|a\s+pair\s+of|" + "|".join(
    sorted((k for k in _EN_NUMBERS if " " not in k), key=len, reverse=True)) + ")"

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MONTH = r"(?:" + "|".join(m[:3] + f"(?:{m[3:]})?" if len(m) > 3 else m for m in _MONTHS) + r")\.?"
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAY = r"(?:" + "|".join(d[:3] + f"(?:{d[3:]})?" for d in _DAYS) + r")"
_TO = r"\s*(?:-|–|—|~|～|to|through|thru|until|till|到|至)\s*"
_ZH_DAYS = "一二三四五六日天"

# Words after a number that make it a measure, not a count of rows.
_NOT_COUNTS = {
    "%", "percent", "per", "km", "kg", "g", "m", "cm", "mm", "mi", "miles", "mile", "metres", "meters", "kilometres",
    "kilometers", "years", "year", "months", "month", "weeks", "week", "hours", "hour", "minutes", "minute",
    "seconds", "second", "days", "day", "times", "degrees", "degree", "million", "billion", "thousand", "hundred",
    "dollars", "euros", "yuan", "gb", "mb", "tb", "columns", "column", "cols", "col", "words", "characters",
    "of", "or", "and", "to", "more", "less", "am", "pm", "o'clock", "inches", "inch", "pounds", "lbs", "people's",
    "x", "by", "times", "star", "stars", "digit", "digits", "decimal",
}
_ROW_WORDS = r"(?:rows?|lines?|entries|entry|records?|items?)"
_ZH_CLASSIFIERS = "种个条项家位款名座本件只类所部首门支款句台辆道份"


def row_count(text: str) -> int | None:
    """The number of rows a request states, or None.

    In order: an explicit row count ("5 rows", "10 行"), a range of months, weekdays or years (inclusive),
    then a number counting things ("three rivers", "六种软件", "top 10 cities"). Measures ("5 km",
    "3 columns", "$20") and "one row per …" are not counts."""
    t = " ".join(text.split())
    low = t.lower()
    m = re.search(rf"(?<![\w$€£¥￥.,])({_EN_NUMBER})\s+{_ROW_WORDS}\b(?!\s+(?:per|for each|each|for every))", low)
    if m:
        return _bounded(_number(" ".join(m.group(1).split())))
    m = re.search(rf"(\d{{1,3}}|{_ZH_NUMBER})\s*(?:行|条记录|条数据)(?!表)", t)
    if m and "每" not in t[max(0, m.start() - 6):m.start()]:
        return _bounded(_number(m.group(1)))
    keys = stated_range(t)[1]
    if keys:
        return _bounded(len(keys))
    for m in re.finditer(rf"(?<![\w$€£¥￥.,#-])({_EN_NUMBER})\s+([a-z][\w'-]*)", low):
        n = _number(" ".join(m.group(1).split()))
        word = m.group(2)
        if word in _NOT_COUNTS or n is None or (n == 1 and m.group(1) in ("one", "1")):
            continue
        if word in ("row", "rows") and re.match(r"\s*(?:per|for each|each)", low[m.end():]):
            continue
        return _bounded(n)
    for m in re.finditer(rf"(?:前)?(\d{{1,3}}|{_ZH_NUMBER})\s*([{_ZH_CLASSIFIERS}])", t):
        after = t[m.end():m.end() + 2]
        before = t[max(0, m.start() - 1):m.start()]
        n = _number(m.group(1))
        if n is None or after.startswith(("表", "列", "字段")) or before in ("每", "第") or (n == 1 and m.group(2) == "个"):
            continue
        return _bounded(n)
    return None


def _bounded(n: int | None) -> int | None:
    return n if n is not None and 1 <= n <= MAX_COUNT else None


def _month_index(word: str) -> int | None:
    word = word.rstrip(".").lower()
    return next((i for i, m in enumerate(_MONTHS) if m.startswith(word) and len(word) >= 3), None)


def _zh_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (months, quarters)."""
    digits = "零一二三四五六七八九"
    return digits[n] if n < 10 else "十" + (digits[n - 10] if n > 10 else "")


def _month_range(low: str) -> tuple[str, ...]:
    m = re.search(rf"\b(?:from\s+)?({_MONTH}){_TO}({_MONTH})(?![a-z])", low)
    if m:
        a, b = _month_index(m.group(1)), _month_index(m.group(2))
        if a is not None and b is not None and b > a:
            short = len(m.group(1).rstrip(".")) == 3 and m.group(1) != "may"
            return tuple(_MONTHS[i].title()[: 3 if short else None] for i in range(a, b + 1))
    m = re.search(rf"(\d{{1,2}}|{_ZH_NUMBER})月(?:份)?{_TO}(\d{{1,2}}|{_ZH_NUMBER})月", low)
    if m:
        a, b = _number(m.group(1)), _number(m.group(2))
        if a is not None and b is not None and 1 <= a < b <= 12:
            spell = str if m.group(1).isdigit() else _zh_numeral
            return tuple(f"{spell(i)}月" for i in range(a, b + 1))
    return ()


def _year_range(text: str) -> tuple[str, ...]:
    m = re.search(rf"(?<!\d)((?:19|20)\d\d)(年?){_TO}((?:19|20)\d\d)(?!\d)", text, re.I)
    if m:
        a, b = int(m.group(1)), int(m.group(3))
        if a < b and _bounded(b - a + 1):
            return tuple(f"{y}{m.group(2)}" for y in range(a, b + 1))
    return ()


def _day_range(low: str) -> tuple[str, ...]:
    m = re.search(rf"\b({_DAY}){_TO}({_DAY})\b", low)
    if m:
        a = next(i for i, d in enumerate(_DAYS) if d.startswith(m.group(1)[:3]))
        b = next(i for i, d in enumerate(_DAYS) if d.startswith(m.group(2)[:3]))
        return tuple(d.title() for d in _DAYS[a:b + 1]) if b > a else ()
    m = re.search(rf"(周|星期)([{_ZH_DAYS}]){_TO}(?:周|星期)?([{_ZH_DAYS}])", low)
    if m:
        order = "一二三四五六日"
        a, b = order.find(m.group(2).replace("天", "日")), order.find(m.group(3).replace("天", "日"))
        return tuple(m.group(1) + d for d in order[a:b + 1]) if 0 <= a < b else ()
    return ()


def _quarter_range(low: str) -> tuple[str, ...]:
    m = re.search(rf"\bq([1-4]){_TO}q([1-4])\b", low)
    if m and int(m.group(1)) < int(m.group(2)):
        return tuple(f"Q{i}" for i in range(int(m.group(1)), int(m.group(2)) + 1))
    m = re.search(rf"(第?)([一二三四1-4])季度?{_TO}第?([一二三四1-4])季度", low)
    if m:
        a, b = _number(m.group(2)), _number(m.group(3))
        if a is not None and b is not None and a < b:
            return tuple(f"{m.group(1)}{_zh_numeral(i) if not m.group(2).isdigit() else i}季度" for i in range(a, b + 1))
    return ()


KEY_KINDS = ("month", "year", "day", "quarter")


def stated_range(text: str) -> tuple[str, tuple[str, ...]]:
    """(kind, the values) of a range a request states for its rows — months ("January to June",
    "1月到6月"), years ("2019–2024"), weekdays ("Monday to Friday", "周一到周五") or quarters ("Q1 to Q4",
    "第一季度到第四季度"), inclusive and written as the request writes them; ("", ()) when it states none."""
    t = " ".join(text.split())
    low = t.lower()
    for kind, found in zip(KEY_KINDS, (_month_range(low), _year_range(t), _day_range(low), _quarter_range(low))):
        if found:
            return kind, found
    return "", ()


# ------------------------------------------------------------------ columns

_EN_COLUMNS = re.compile(
    r"(?<![\w])(?:(?:with|using|and)\s+)?(?:the\s+)?(?:following\s+)?(?P<kw>columns?|headers?|headings?|fields?)"
    r"(?:\s+(?:named|called|of|for|are|is))?\s*(?P<colon>[:：=])?\s*(?P<list>.+)",
    re.I | re.S,
)
_ZH_COLUMNS = re.compile(
    r"(?P<kw>列名|列标题|表头|字段|栏目|列)\s*(?:为|是|包括|包含|有|分别为|分别是|如下)?\s*(?P<colon>[:：])?\s*(?P<list>.+)",
    re.S,
)
_ZH_COLUMNS_AFTER = re.compile(r"(?:包含|包括|含有|有)\s*(?P<list>[^，。；：:]+?)(?:等|这)?(?:[几两三四五六七八]|\d)?(?:个)?(?:列|栏|字段)")
# Where a list of column names ends.
_LIST_END = re.compile(r"(?:\.\s|\.$|。|\n|;\s|；|\s+(?:for|of|about|covering|showing)\s|，(?:请|并|按|要求|共)|\s+-\s)")
_AND_SPLIT = re.compile(r"\s*(?:,?\s+and\s+|,?\s+&\s+|和|及|与|以及)\s*")


def split_list(text: str) -> list[str]:
    """Column names from "A, B and C", "A | B | C", "A、B和C", kept as written (outer quotes removed).

    Commas inside brackets ("Price (USD, incl. tax)") do not split."""
    text = text.strip().strip("。.;；")
    if "|" in text:
        parts = text.strip("|").split("|")
    else:
        parts = _split_outside_brackets(text, ",，、;；/" if "、" in text or "，" in text else ",，;；")
        if len(parts) == 1 and "/" not in text:
            parts = _split_and(parts[0])
        elif parts:
            parts = parts[:-1] + _split_and(parts[-1])
    out = []
    for p in parts:
        p = p.strip().strip("\"'“”‘’「」『』`*").strip()
        p = re.sub(r"^(?:and|&|和|及|以及)\s*", "", p).strip()
        if p and p.casefold() not in (o.casefold() for o in out):
            out.append(p)
    return out


def _split_and(text: str) -> list[str]:
    # "and" inside brackets ("Likelihood (low and high)") is part of the name.
    depth = _depths(text)
    parts, last = [], 0
    for m in _AND_SPLIT.finditer(text):
        if depth[m.start()] == 0:
            parts.append(text[last:m.start()])
            last = m.end()
    parts.append(text[last:])
    return [p for p in parts if p.strip()]


def _depths(text: str) -> list[int]:
    """The bracket depth at each position of ``text``."""
    out, depth = [], 0
    for ch in text:
        if ch in "([（【":
            depth += 1
        out.append(depth)
        if ch in ")]）】" and depth:
            depth -= 1
    return out


def _split_outside_brackets(text: str, seps: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([（【":
            depth += 1
        elif ch in ")]）】" and depth:
            depth -= 1
        if ch in seps and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p for p in parts if p.strip()]


def _clip_list(text: str) -> str:
    depth = _depths(text)
    m = next((m for m in _LIST_END.finditer(text) if depth[m.start()] == 0), None)
    text = text[: m.start()] if m else text
    if "、" in text:  # "城市、人口，四个城市": with 、 between the names, a comma ends the list
        depth = _depths(text)
        cut = next((i for i, ch in enumerate(text) if ch in ",，" and depth[i] == 0), None)
        text = text[:cut] if cut is not None else text
    return text


def _plausible(names: list[str], colon: bool) -> bool:
    if len(names) < (1 if colon else 2) or len(names) > 20:
        return False
    # Names are short; a sentence caught by accident is not a list of columns.
    return all(len(n) <= 40 and len(n.split()) <= 5 for n in names)


def named_columns(request: str) -> tuple[str, ...]:
    """The column names a request spells out ("columns Planet, Diameter (km), Moons", "列：名称、用途"),
    exactly as written; () when it names none."""
    for pattern in (_EN_COLUMNS, _ZH_COLUMNS):
        for m in pattern.finditer(request):
            before = request[max(0, m.start("kw") - 12):m.start("kw")]
            if re.search(rf"(?:\d|{_EN_NUMBER}|[{''.join(_ZH_DIGITS)}十几]个?)\s*$", before, re.I) and not m.group("colon"):
                continue  # "3 columns", "三列": a count of columns, not their names
            if pattern is _ZH_COLUMNS and request[m.start():m.start() + 2] in ("列出", "列举", "列个", "列一"):
                continue
            names = split_list(_clip_list(m.group("list")))
            if _plausible(names, bool(m.group("colon"))):
                return tuple(names)
    m = _ZH_COLUMNS_AFTER.search(request)
    if m:
        names = split_list(m.group("list"))
        if _plausible(names, False):
            return tuple(names)
    # "weekly meeting schedule: day, time, topic": a short list after a colon names the columns.
    m = re.search(r"[:：]\s*(?P<list>[^:：\n]+)$", request.strip())
    if m and re.search(r"[,，、|]", m.group("list")) and not is_extraction(request[: m.start()]):
        names = split_list(_clip_list(m.group("list")))
        if len(names) >= 2 and _plausible(names, False) and all(len(n.split()) <= 3 and len(n) <= 20 for n in names):
            return tuple(names)
    return ()


_EN_HINTS = re.compile(r"\b(?:with|showing|giving|including|and)\s+(?:their|its|the|his|her)\s+(?P<list>.+)$|\bwith\s+(?P<bare>.+)$", re.I)
_ZH_HINTS = re.compile(r"(?:及其|和它们的|以及它们的|及它们的|的)(?P<list>[^，。：:；;]+?)[。.]?$")
_LEADING = re.compile(r"^(?:their|its|the|his|her|a|an)\s+", re.I)


def suggested_columns(request: str, *, fallback: bool = True) -> tuple[str, ...]:
    """Columns for a request that names none: a name column and the attributes it asks about
    ("… with their length and the sea they flow into", "…及其用途"); without ``fallback``, () when the
    request names no attributes, else a name and a details column."""
    lang = "zh" if _CJK.search(request) else "en"
    hints: list[str] = []
    m = (_ZH_HINTS if lang == "zh" else _EN_HINTS).search(request.strip())
    if m:
        text = m.group("list") or (m.groupdict().get("bare") or "")
        for name in split_list(_clip_list(text)):
            name = _LEADING.sub("", name).strip()
            if name and len(name) <= 24:
                hints.append(name[:1].upper() + name[1:])
    first = "名称" if lang == "zh" else "Name"
    if any(h.casefold() in ("name", "名称", "姓名", "名字") for h in hints):
        return tuple(hints[:6])
    if hints:
        return (first, *hints[:5])
    if not fallback:
        return ()
    return (first, "说明") if lang == "zh" else (first, "Details")


# ------------------------------------------------------------------ extraction

_EXTRACT_EN = re.compile(
    r"\b(?:extract|pull\s+out|from\s+(?:this|the\s+following|the\s+text|the\s+notes?|the\s+email|these|the\s+above|"
    r"the\s+paragraph|the\s+passage|my\s+notes)|(?:in|of)\s+(?:this|the\s+following)\s+(?:text|paragraph|passage)|"
    r"(?:text|notes?|paragraph)\s+below|following\s+(?:text|notes?|paragraph)|tabulate\s+this|"
    r"(?:turn|convert|put)\s+(?:this|these|the\s+following)\s+(?:\w+\s+)?into)\b",
    re.I,
)
_EXTRACT_ZH = re.compile(r"根据(?:下面|以下|下列|上面|上述|这段|这些)|(?:下面|以下|下列|上面|上述|这段)(?:的)?(?:内容|文字|文本|信息|资料|材料)|"
                         r"从(?:下面|以下|这段|文中|原文)|提取|整理成表|转成表|转换成表|做成表")


def is_extraction(request: str) -> bool:
    """The request asks for a table taken out of a text it gives or points to."""
    return bool(_EXTRACT_EN.search(request) or _EXTRACT_ZH.search(request))


def split_source(text: str) -> tuple[str, str]:
    """(instruction, text to extract from) when the request carries its source after a colon or a line
    break following the extraction words; (text, "") otherwise."""
    m = _EXTRACT_EN.search(text) or _EXTRACT_ZH.search(text)
    if not m:
        return text, ""
    # A line break ends the instruction when there is one ("…，列：姓名、部门\n张三，…"); else the first colon.
    sep = re.compile(r"\n+").search(text, m.end()) or re.compile(r"[:：]\s*").search(text, m.end())
    if not sep:
        return text, ""
    instruction, source = text[: sep.start()], text[sep.end():]
    if not source.strip() or (not re.search(r"\n", text[m.end():sep.end()]) and len(source.strip()) < 12):
        return text, ""
    return instruction.strip(), source.strip()


__all__ = ["KEY_KINDS", "TableRequest", "is_extraction", "named_columns", "read_request", "row_count", "split_list",
           "split_source", "stated_range", "suggested_columns", "zh_number"]
