"""Access matrix entries of issue 19: unit_referrals (see tests/school_matrix/__init__.py)."""

MAIN: dict = {}
SCHOOL: dict = {}


def objects(world) -> dict:
    return {}
