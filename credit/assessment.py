"""The assessment engine: scores indicator values against a preset's definition (data, never code).

A definition (``AssessmentPreset.definition``)::

    {
      "rounding": "proportional" | "per_started_unit",   # how a part of a unit of shortfall counts
      "items": [                                          # base items; their weights add up to the base total
        {"key": "in_county_rate", "number": "1", "label": "...", "weight": 10,
         "rules": [{"value": "in_county_rate", "direction": "below", "target": 90, "unit": 1, "points": 3}]},
        {"key": "satisfaction", "number": "9", "label": "...", "weight": 10,
         "ratio": {"numerator": "satisfaction_satisfied", "denominator": "satisfaction_returned"}}
      ],
      "bonus": [{"key": "drg_charging_reform", "number": "8a", "label": "...", "points": 10}],
      "veto": {"number": "10", "label": "..."},
      "bands": [{"key": "excellent", "label": "...", "min": 90, "consequence": "..."}, ...,
                {"key": "fail", "label": "...", "min": null, "consequence": "..."}],
      "veto_band": "fail"
    }

A rule deducts ``points`` per ``unit`` by which the value falls short of its target (``below``: the value
should be ≥ target; ``above``: ≤ target). An item's deductions add up and stop at its weight (扣完为止). A
ratio item earns ``weight × numerator ÷ denominator``. Bonus points are added on top; a veto puts the
result in ``veto_band`` whatever the score. Bands are tried from the highest ``min`` down.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _d(value) -> Decimal:
    return Decimal(str(value))


def _fmt(value: Decimal) -> str:
    """2 → "2", 1.50 → "1.5": numbers as the rules are written."""
    text = format(value.quantize(CENT, ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class ItemResult:
    key: str
    number: str
    label: str
    weight: Decimal | None
    points: Decimal
    deduction: Decimal = ZERO
    lines: list[str] = field(default_factory=list)
    kind: str = "item"  # item | bonus

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "number": self.number,
            "label": self.label,
            "kind": self.kind,
            "weight": None if self.weight is None else _fmt(self.weight),
            "deduction": _fmt(self.deduction),
            "points": _fmt(self.points),
            "lines": self.lines,
        }


@dataclass
class Result:
    items: list[ItemResult]
    base_score: Decimal
    bonus_points: Decimal
    score: Decimal
    band: str
    band_label: str
    consequence: str
    vetoed: bool

    def as_dict(self) -> dict:
        return {
            "items": [i.as_dict() for i in self.items],
            "base_score": _fmt(self.base_score),
            "bonus_points": _fmt(self.bonus_points),
            "score": _fmt(self.score),
            "band": self.band,
            "band_label": self.band_label,
            "consequence": self.consequence,
            "vetoed": self.vetoed,
        }


def value_keys(definition: dict) -> list[str]:
    """Every indicator key the definition reads, in the order of its items."""
    keys: list[str] = []
    for item in definition.get("items", []):
        for rule in item.get("rules", []):
            keys.append(rule["value"])
        if "ratio" in item:
            keys += [item["ratio"]["numerator"], item["ratio"]["denominator"]]
    return list(dict.fromkeys(keys))


def check_definition(definition) -> None:
    """Refuse a malformed definition (the admin edits it as JSON)."""
    try:
        if definition.get("rounding", "proportional") not in ("proportional", "per_started_unit"):
            raise ValueError("rounding")
        for item in definition["items"]:
            _d(item["weight"]), item["key"], item["label"]
            if "ratio" not in item and not item.get("rules"):
                raise ValueError(item["key"])
            for rule in item.get("rules", []):
                if rule["direction"] not in ("below", "above") or _d(rule["unit"]) <= 0:
                    raise ValueError(item["key"])
                _d(rule["target"]), _d(rule["points"]), rule["value"]
        for bonus in definition.get("bonus", []):
            _d(bonus["points"]), bonus["key"]
        keys = {band["key"] for band in definition["bands"]}
        if definition.get("veto_band") not in keys or not any(band.get("min") is None for band in definition["bands"]):
            raise ValueError("bands")
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        message = _("The preset definition is malformed (%(where)s).") % {"where": exc}
        raise ValidationError({"definition": message}) from exc


def parse_values(definition: dict, values) -> dict[str, Decimal]:
    """The indicator values as Decimals; a missing or non-numeric one is a ValidationError naming its key."""
    if not isinstance(values, dict):
        raise ValidationError({"values": _("Give the indicator values as an object.")})
    parsed, errors = {}, {}
    for key in value_keys(definition):
        raw = values.get(key)
        if raw is None or raw == "":
            errors[key] = [_("Required.")]
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            errors[key] = [_("Not a number.")]
            continue
        try:
            number = _d(raw) if not isinstance(raw, str) else Decimal(raw.strip())
        except InvalidOperation:
            errors[key] = [_("Not a number.")]
            continue
        if not number.is_finite():
            errors[key] = [_("Not a number.")]
            continue
        parsed[key] = number
    if errors:
        raise ValidationError(errors)
    return parsed


def _units(shortfall: Decimal, unit: Decimal, rounding: str) -> Decimal:
    units = shortfall / unit
    if rounding == "per_started_unit":
        return Decimal(math.ceil(units))
    return units


def _value_label(labels: dict, rule: dict) -> str:
    """An indicator in the arithmetic by its label (the preset's ``value_labels``), not its key."""
    return labels.get(rule["value"], _("value"))


def _score_item(item: dict, values: dict[str, Decimal], rounding: str, labels: dict | None = None) -> ItemResult:
    labels = labels or {}
    weight = _d(item["weight"])
    result = ItemResult(
        key=item["key"], number=str(item.get("number", "")), label=item["label"], weight=weight, points=weight
    )
    if "ratio" in item:
        numerator, denominator = values[item["ratio"]["numerator"]], values[item["ratio"]["denominator"]]
        if denominator <= 0:
            raise ValidationError({item["ratio"]["denominator"]: [_("Must be greater than zero.")]})
        if numerator < 0 or numerator > denominator:
            raise ValidationError({item["ratio"]["numerator"]: [_("Must lie between 0 and the denominator.")]})
        earned = (weight * numerator / denominator).quantize(CENT, ROUND_HALF_UP)
        result.points, result.deduction = earned, weight - earned
        result.lines.append(f"{_fmt(weight)} × {_fmt(numerator)} ÷ {_fmt(denominator)} = {_fmt(earned)}")
        return result
    total = ZERO
    for rule in item["rules"]:
        value, target = values[rule["value"]], _d(rule["target"])
        unit, per_unit = _d(rule["unit"]), _d(rule["points"])
        shortfall = target - value if rule["direction"] == "below" else value - target
        sign = "≥" if rule["direction"] == "below" else "≤"
        if shortfall <= 0:
            result.lines.append(f"{_value_label(labels, rule)} = {_fmt(value)} {sign} {_fmt(target)}: 0")
            continue
        units = _units(shortfall, unit, rounding)
        deduction = (units * per_unit).quantize(CENT, ROUND_HALF_UP)
        total += deduction
        unit_text = "" if unit == 1 else f" ÷ {_fmt(unit)}"
        result.lines.append(
            f"{_value_label(labels, rule)} = {_fmt(value)}, {_('target')} {sign} {_fmt(target)}: "
            f"{_fmt(shortfall)}{unit_text} × {_fmt(per_unit)} = −{_fmt(deduction)}"
        )
    if total > weight:
        result.lines.append(
            _("deductions %(total)s stop at the weight %(weight)s") % {"total": _fmt(total), "weight": _fmt(weight)}
        )
        total = weight
    result.deduction = total
    result.points = weight - total
    return result


def score(definition: dict, values, bonus=(), veto: bool = False) -> Result:
    """Score one filled-in table. Raises ValidationError naming a missing or bad key."""
    parsed = parse_values(definition, values)
    bonus = list(bonus or [])
    bonus_defs = {b["key"]: b for b in definition.get("bonus", [])}
    unknown = [key for key in bonus if key not in bonus_defs]
    if unknown:
        raise ValidationError({"bonus": [_("Unknown bonus item: %(keys)s") % {"keys": ", ".join(map(str, unknown))}]})
    rounding = definition.get("rounding", "proportional")
    labels = definition.get("value_labels", {})
    items = [_score_item(item, parsed, rounding, labels) for item in definition["items"]]
    base = sum((i.points for i in items), ZERO)
    bonus_points = ZERO
    for key in dict.fromkeys(bonus):
        spec = bonus_defs[key]
        points = _d(spec["points"])
        bonus_points += points
        items.append(
            ItemResult(
                key=key,
                number=str(spec.get("number", "")),
                label=spec["label"],
                weight=None,
                points=points,
                kind="bonus",
                lines=[f"+{_fmt(points)}"],
            )
        )
    total = base + bonus_points
    band = band_for(definition, total, veto)
    return Result(
        items=items,
        base_score=base,
        bonus_points=bonus_points,
        score=total,
        band=band["key"],
        band_label=band.get("label", band["key"]),
        consequence=band.get("consequence", ""),
        vetoed=bool(veto),
    )


def band_for(definition: dict, total: Decimal, veto: bool = False) -> dict:
    bands = definition["bands"]
    if veto:
        return next(b for b in bands if b["key"] == definition["veto_band"])
    ranked = sorted(
        bands, key=lambda b: _d(b["min"]) if b.get("min") is not None else Decimal("-Infinity"), reverse=True
    )
    for band in ranked:
        if band.get("min") is None or total >= _d(band["min"]):
            return band
    return ranked[-1]
