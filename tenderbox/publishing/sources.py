"""Where implementation transactions come from: a registry of transaction sources.

Publishing knows nothing about how spend is recorded. An app that records payments against
contracts (spend) registers one source at start-up, in its AppConfig.ready():

    from tenderbox.publishing.sources import register_transaction_source
    register_transaction_source(my_transactions)

A source is a function taking a `contracts.Contract` and returning an iterable of `Transaction`,
oldest first. With no source registered (until spend is merged) no contract has transactions, and
no implementation release is published.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
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


TransactionSource = Callable[[object], Iterable[Transaction]]

_sources: list[TransactionSource] = []


def register_transaction_source(source: TransactionSource) -> None:
    if source not in _sources:
        _sources.append(source)


def unregister_transaction_source(source: TransactionSource) -> None:
    if source in _sources:
        _sources.remove(source)


def transactions_for(contract) -> list[Transaction]:
    """Every registered source's transactions for one contract, by date then id."""
    found = [t for source in _sources for t in source(contract)]
    return sorted(found, key=lambda t: (t.date, t.id))
