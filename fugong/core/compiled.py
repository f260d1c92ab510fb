"""A hot lookup whose SQL is compiled once per process.

Compiling a queryset costs more than running it for small indexed lookups: the API token lookup
(token → user → the user's check-in identity) spent about 1.7 ms of CPU in Django's SQL compiler
for a query PostgreSQL answers in 0.1 ms, on every API call (bench/README.md, issue 5).
``CompiledLookup`` compiles the queryset once, then per call only swaps the one parameter, runs the
statement and builds the objects with Django's own converters and related-object populators, so the
result is exactly what ``queryset.filter(field=value).first()`` would return (including the objects
of ``select_related``), without re-compiling.

Only for querysets that are fixed apart from one equality parameter; anything else uses the ORM.
"""

import threading

from django.db import connections
from django.db.models.query import get_related_populators

_SENTINEL = "\x00compiled-lookup-parameter\x00"


class CompiledLookup:
    def __init__(self, queryset, field: str):
        self._queryset = queryset.filter(**{field: _SENTINEL}).order_by()[:2]
        self._state = None
        self._lock = threading.Lock()

    def _compile(self):
        qs = self._queryset
        compiler = qs.query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()
        index = params.index(_SENTINEL)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fields = [s[0] for s in select]
        return {
            "sql": sql,
            "params": list(params),
            "index": index,
            "compiler": compiler,
            "converters": compiler.get_converters(fields),
            "model": klass_info["model"],
            "init_list": [f[0].target.attname for f in select[start:end]],
            "start": start,
            "end": end,
            "populators": get_related_populators(klass_info, select, qs.db),
            "db": qs.db,
        }

    def get(self, value):
        """The one object whose field equals ``value`` (with its select_related objects), or None."""
        state = self._state
        if state is None:
            with self._lock:
                state = self._state = self._state or self._compile()
        params = list(state["params"])
        params[state["index"]] = value
        with connections[state["db"]].cursor() as cursor:
            cursor.execute(state["sql"], params)
            rows = cursor.fetchall()
        if len(rows) != 1:
            return None
        if state["converters"]:
            rows = list(state["compiler"].apply_converters(rows, state["converters"]))
        row = rows[0]
        obj = state["model"].from_db(state["db"], state["init_list"], row[state["start"] : state["end"]])
        for populator in state["populators"]:
            populator.populate(row, obj)
        return obj


class CompiledInsert:
    """INSERT of one row of a model, its SQL built once per process; sets the new primary key.

    Per call only the values are prepared (``get_db_prep_save``, as ``save()`` would), not the
    statement. Model signals are not sent: use it only for models that have no receivers (the
    check-ins of the morning wave), and ``save()`` everywhere else.
    """

    def __init__(self, model):
        self._model = model
        self._state = None
        self._lock = threading.Lock()

    def _compile(self, using: str):
        from django.db.models.sql import InsertQuery

        meta = self._model._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        query = InsertQuery(self._model)
        query.insert_values(fields, [self._model()], raw=False)
        compiler = query.get_compiler(using=using)
        connection = connections[using]
        returning = connection.features.can_return_columns_from_insert and meta.auto_field is not None
        compiler.returning_fields = [meta.pk] if returning else None
        sql, _params = compiler.as_sql()[0]
        return {"sql": sql, "fields": fields, "compiler": compiler, "returning": returning, "using": using}

    def insert(self, obj, using: str = "default"):
        state = self._state
        if state is None:
            with self._lock:
                state = self._state = self._state or self._compile(using)
        compiler = state["compiler"]
        params = [compiler.prepare_value(f, compiler.pre_save_val(f, obj)) for f in state["fields"]]
        meta = self._model._meta
        with connections[state["using"]].cursor() as cursor:
            cursor.execute(state["sql"], params)
            if state["returning"]:
                pk = cursor.fetchone()[0]
            elif meta.auto_field is not None:
                pk = connections[state["using"]].ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
            else:
                pk = obj.pk
        for converter in meta.pk.get_db_converters(connections[state["using"]]):
            pk = converter(pk, meta.pk, connections[state["using"]])
        obj.pk = pk
        obj._state.adding, obj._state.db = False, state["using"]
        return obj
