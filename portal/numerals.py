"""Chinese numerals as official documents write them: amounts in capitals (大写), counts, articles and dates."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]
PLAIN = "〇一二三四五六七八九"
PLAIN_DIGITS = "零一二三四五六七八九"


def _group(digits: str) -> str:
    """A group of up to four digits in capitals, with 零 for inner zeros ("1005" → 壹仟零伍)."""
    text, zero = "", False
    for position, char in enumerate(digits):
        value = int(char)
        unit = SMALL_UNITS[len(digits) - position - 1]
        if value == 0:
            zero = True
            continue
        if zero and text:
            text += "零"
        zero = False
        text += DIGITS[value] + unit
    return text


def rmb_upper(amount) -> str:
    """Amounts in figures → capitals: 100000 → 壹拾万元整, 1234.5 → 壹仟贰佰叁拾肆元伍角, 1000.05 → 壹仟元零伍分."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        return "负" + rmb_upper(-value)
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = ""
    if yuan:
        digits = str(yuan)
        groups = []
        while digits:
            groups.insert(0, digits[-4:])
            digits = digits[:-4]
        pending_zero = False
        for index, group in enumerate(groups):
            big = BIG_UNITS[len(groups) - index - 1]
            if int(group) == 0:
                pending_zero = True
                continue
            # A zero is read between groups when this group has fewer than four digits or a group was empty.
            if text and (pending_zero or group[0] == "0"):
                text += "零"
            text += _group(group.lstrip("0")) + big
            pending_zero = group[-1] == "0"
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text


def cn_number(n: int) -> str:
    """Counts and article numbers in plain Chinese: 15 → 十五, 38 → 三十八, 60 → 六十, 105 → 一百零五."""
    n = int(n)
    if n < 0:
        return "负" + cn_number(-n)
    if n < 10:
        return PLAIN_DIGITS[n]
    if n < 20:
        return "十" + (PLAIN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return PLAIN_DIGITS[n // 10] + "十" + (PLAIN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        text = PLAIN_DIGITS[n // 100] + "百"
        if rest == 0:
            return text
        if rest < 10:
            return text + "零" + PLAIN_DIGITS[rest]
        return text + (cn_number(rest) if rest >= 20 else "一" + cn_number(rest))
    return str(n)


def cn_date(day: date | None) -> str:
    """2026-11-22 → 2026年11月22日 (the form the bureau's documents print), or a blank to fill by hand."""
    if day is None:
        return "　　　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


def cn_year(year: int) -> str:
    """2026 → 二〇二六 (for seals and headers that spell the year)."""
    return "".join(PLAIN[int(c)] for c in str(year))
