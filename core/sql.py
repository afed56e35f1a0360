"""SQL pieces the ORM lacks, for PostgreSQL: ``= ANY(array)`` and arrays of ids as one
parameter. They name no model; the scoping modules build the case scopes with them."""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, Expression, Func, Lookup


class EqualsAny(Lookup):
    """``lhs = ANY(rhs)``, rhs an array expression (a subquery's ARRAY, or a list as one
    parameter). Used as an expression: ``Q(EqualsAny(F("unit_id"), …))``."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class Ids(Expression):
    """A list of ids as one ``bigint[]`` parameter. (A Value with an ArrayField prepared each
    of an advisor's 200 ids through the field on every request.)"""

    output_field = ArrayField(BigIntegerField())

    def __init__(self, ids: list[int]):
        super().__init__()
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        return "%s::bigint[]", (self.ids,)


class IdsAndSubquery(Func):
    """``(ARRAY[ids]::bigint[] || ARRAY(subquery))``: a list of ids and a subquery's, as one
    array."""

    output_field = ArrayField(BigIntegerField())

    def as_sql(self, compiler, connection, **extra):
        ids, ids_params = compiler.compile(self.source_expressions[0])
        sub, sub_params = compiler.compile(self.source_expressions[1])
        return f"({ids} || {sub})", (*ids_params, *sub_params)
