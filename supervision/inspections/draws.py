"""The 双随机 draw as a pure function, so that anyone can re-run a recorded draw and get the same result.

Algorithm ``v1`` (documented here and in the README; changing it means a new version name):

1. ``rng = random.Random(seed)`` — Python's Mersenne Twister seeded with the recorded integer seed.
2. Targets: the institution pool sorted by id, each with its weight (credit grade, ``settings.RANDOM_DRAW``)
   scaled to an integer (× 100). ``count`` times: ``r = rng.randrange(sum of remaining weights)``; walk the
   remaining institutions in id order subtracting weights until ``r`` falls inside one; draw it and remove it.
3. Teams, for each target in draw order: the eligible officers are those of the officer pool (sorted by id)
   who have not declared a conflict with the institution and, for a cross inspection, do not work in its
   branch — for any other draw, who work in its branch or city-wide. Among them, officers with the fewest
   places on earlier teams of this draw come first: whole load levels are taken while they fit, and from the
   level that does not fit ``rng.sample`` picks the rest. The first officer drawn leads the team.

Integers only: the same seed and pools give the same result on every machine and Python 3 version.
"""

import random
from decimal import Decimal

ALGORITHM = "v1"
WEIGHT_SCALE = 100


class DrawError(ValueError):
    """The pools cannot give the requested draw (e.g. too few eligible officers for an institution)."""

    def __init__(self, message: str, institution: int | None = None):
        super().__init__(message)
        self.institution = institution


def scaled_weight(weight) -> int:
    return int((Decimal(str(weight)) * WEIGHT_SCALE).to_integral_value())


def draw_targets(rng: random.Random, institutions: list, count: int) -> list[int]:
    """``institutions``: [[id, weight, branch], ...]. Weighted sampling without replacement."""
    pool = sorted((int(i[0]), scaled_weight(i[1])) for i in institutions)
    pool = [(pk, weight) for pk, weight in pool if weight > 0]
    if count > len(pool):
        raise DrawError(f"cannot draw {count} targets from a pool of {len(pool)}")
    targets = []
    for _n in range(count):
        r = rng.randrange(sum(weight for _pk, weight in pool))
        for index, (pk, weight) in enumerate(pool):
            if r < weight:
                targets.append(pk)
                del pool[index]
                break
            r -= weight
    return targets


def eligible(officer_branches: list, institution_branch, cross: bool) -> bool:
    """Cross inspections exclude the institution's own branch; other draws need the officer to work there
    (or city-wide, when the officer's units lie in no branch)."""
    if cross:
        return institution_branch not in officer_branches
    return not officer_branches or institution_branch in officer_branches


def draw_teams(
    rng: random.Random,
    targets: list[int],
    institutions: list,
    officers: list,
    conflicts: list,
    team_size: int,
    cross: bool,
) -> list[dict]:
    branch_of = {int(i[0]): i[2] for i in institutions}
    pool = sorted((int(o[0]), list(o[1])) for o in officers)
    blocked = {(int(o), int(i)) for o, i in conflicts}
    load = {pk: 0 for pk, _branches in pool}
    result = []
    for target in targets:
        candidates = [
            pk for pk, branches in pool if (pk, target) not in blocked and eligible(branches, branch_of[target], cross)
        ]
        if len(candidates) < team_size:
            raise DrawError(f"only {len(candidates)} eligible officers for institution {target}", target)
        team: list[int] = []
        for level in sorted({load[pk] for pk in candidates}):
            need = team_size - len(team)
            if not need:
                break
            group = [pk for pk in candidates if load[pk] == level]
            team.extend(group if len(group) <= need else rng.sample(group, need))
        for pk in team:
            load[pk] += 1
        result.append({"institution": target, "team": team})
    return result


def run_draw(
    *, seed: int, institutions: list, officers: list, conflicts: list, count: int, team_size: int, cross: bool
) -> list[dict]:
    """The whole draw: targets, then teams. Every argument is what a RandomDraw record stores."""
    if team_size < 2:
        raise DrawError("a team has at least two inspectors")
    rng = random.Random(int(seed))
    targets = draw_targets(rng, institutions, count)
    return draw_teams(rng, targets, institutions, officers, conflicts, team_size, cross)


def target_count(pool_size: int, *, count: int | None = None, ratio=None) -> int:
    """N targets, or ``ceil(pool × ratio)`` (at least one when the pool is not empty)."""
    if count is not None:
        return count
    ratio = Decimal(str(ratio))
    exact = Decimal(pool_size) * ratio
    whole = int(exact.to_integral_value(rounding="ROUND_CEILING"))
    return max(1 if pool_size else 0, min(whole, pool_size))
