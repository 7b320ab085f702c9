"""Where implementation transactions and contract metrics come from: registries of sources.

Publishing knows nothing about how spend or performance is recorded. An app that records payments
against contracts (spend) registers one transaction source at start-up, in an AppConfig.ready();
one that records KPIs (performance) registers a metric source:

    from tenderbox.publishing.sources import register_transaction_source
    register_transaction_source(my_transactions)

A source takes many contracts at once (a list of `contracts.Contract`) and returns, for each contract
that has any, keyed by the contract's primary key, its `Transaction`s (a metric source: its
`Metric`s). The bulk export asks a chunk of contracts at a time (`load`), so a source costs one
query a chunk rather than one a contract; a single release asks for one contract. With no source
registered no contract has transactions or metrics, and no implementation release is published.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Transaction:
    """One payment under a contract, as published in `contracts[].implementation.transactions`.

    `id` must be stable and unique within the contract (it becomes part of the release id);
    `payer` and `payee` default to the contract's buyer and supplier."""

    id: str
    date: datetime
    amount: Decimal
    payer: object = None
    payee: object = None
    uri: str = ""


@dataclass(frozen=True)
class Observation:
    """One reported value of a metric for one period (`contracts[].implementation.metrics`).

    `id` is stable within the metric (the period); `revision` counts corrections, so a corrected
    value is published under a new release id (a release never changes under its id)."""

    id: str
    starts_on: date
    ends_on: date
    measure: Decimal
    reported_at: datetime
    revision: int = 0


@dataclass(frozen=True)
class Metric:
    """A performance measure agreed for a contract (`contracts[].agreedMetrics`, metrics
    extension): what is measured, in what unit, its target for every period, from when it applied
    to the contract, and the values reported so far. Only what may be published: the source
    leaves out anything private."""

    id: str
    title: str
    description: str
    unit: str
    target: Decimal
    applies_from: datetime
    observations: tuple[Observation, ...] = ()


TransactionSource = Callable[[Sequence], Mapping[int, Iterable[Transaction]]]
MetricSource = Callable[[Sequence], Mapping[int, Iterable[Metric]]]

_sources: list[TransactionSource] = []
_metric_sources: list[MetricSource] = []


def register_transaction_source(source: TransactionSource) -> None:
    if source not in _sources:
        _sources.append(source)


def unregister_transaction_source(source: TransactionSource) -> None:
    if source in _sources:
        _sources.remove(source)


# Where `load` keeps a contract's transactions and metrics: on the instance, which lives as long as
# the export's chunk (or the one release) that read it.
_LOADED = "_published_sources"


def load(contracts: Sequence) -> None:
    """Read every registered source's transactions and metrics for these contracts at once, and
    keep them on each contract for `transactions_for` and `metrics_for`."""
    contracts = [c for c in contracts if _LOADED not in c.__dict__]
    if not contracts:
        return
    transactions = [source(contracts) for source in _sources]
    metrics = [source(contracts) for source in _metric_sources]
    for contract in contracts:
        found = [t for by_contract in transactions for t in by_contract.get(contract.pk, ())]
        measured = [m for by_contract in metrics for m in by_contract.get(contract.pk, ())]
        contract.__dict__[_LOADED] = (
            sorted(found, key=lambda t: (t.date, t.id)),
            sorted(measured, key=lambda m: (m.applies_from, m.id)),
        )


def transactions_for(contract) -> list[Transaction]:
    """Every registered source's transactions for one contract, by date then id."""
    load([contract])
    return contract.__dict__[_LOADED][0]


def register_metric_source(source: MetricSource) -> None:
    if source not in _metric_sources:
        _metric_sources.append(source)


def unregister_metric_source(source: MetricSource) -> None:
    if source in _metric_sources:
        _metric_sources.remove(source)


def metrics_for(contract) -> list[Metric]:
    """Every registered source's metrics for one contract, by when they applied, then id."""
    load([contract])
    return contract.__dict__[_LOADED][1]
