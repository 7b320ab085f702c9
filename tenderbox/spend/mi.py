"""Reading and checking a supplier's monthly management-information (MI) return: a CSV or XLSX file
with one line per invoice (or credit note) raised in the month.

The file is checked whole before anything is saved: every problem of every line is collected
(line, column, what is wrong) and the return is refused with all of them, so the supplier fixes the
file once instead of once per error. Parsing touches no database: the caller says which contract
references the return may name. Nothing a file contains can make this module raise anything but
`ReturnRefused` (tests/test_spend_mi_fuzz.py throws random bytes, cells and workbooks at it).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from tenderbox.lib.errors import DomainError
from tenderbox.lib.uploads import CheckedFile, check_upload, safe_filename, scan
from tenderbox.spend import rules

MAX_RETURN_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
# Every problem is collected; a page or API answer lists the first MAX_SHOWN and counts the rest.
MAX_SHOWN = 1000
TEXT_LIMITS = {"contract_reference": 30, "invoice_number": 60, "description": 500, "category": 100}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str


# The published template (downloadable from the upload page and documented in docs/operations.md).
COLUMNS = (
    Column(
        "contract_reference",
        False,
        "The Tenderbox contract reference (CON-…). Needed on every line of a framework-wide return; "
        "for a return for one contract it may be left empty.",
        "CON-2026-000001",
    ),
    Column(
        "invoice_number", True, "Your invoice or credit note number; each once per contract.", "INV-10432"
    ),
    Column(
        "invoice_date",
        True,
        "Date of the invoice, in the month of the return: 2026-03-31 or 31/03/2026.",
        "2026-03-31",
    ),
    Column("payment_date", False, "Date you were paid, if you have been.", ""),
    Column("description", True, "What was supplied.", "Grounds maintenance, March"),
    Column("category", False, "Service area or CPV code.", "77310000-6"),
    Column(
        "amount_excl_vat",
        True,
        "Net amount in pounds, up to 2 decimal places; negative for a credit note.",
        "12500.00",
    ),
    Column("vat", True, "VAT in pounds (0 when none is charged).", "2500.00"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
ALIASES = {
    "contract": "contract_reference",
    "contract_ref": "contract_reference",
    "invoice_no": "invoice_number",
    "invoice": "invoice_number",
    "transaction_number": "invoice_number",
    "paid_on": "payment_date",
    "date_paid": "payment_date",
    "service_area": "category",
    "net_amount": "amount_excl_vat",
    "amount": "amount_excl_vat",
    "amount_excluding_vat": "amount_excl_vat",
}


@dataclass(frozen=True)
class Problem:
    line: int | None  # the file's line (header = 1); None for the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Line:
    line: int
    contract_reference: str
    invoice_number: str
    invoice_date: date
    payment_date: date | None
    description: str
    category: str
    amount_excl_vat: Decimal
    vat: Decimal


class ReturnRefused(DomainError):
    """The return was refused whole; `problems` says why, line by line (the API body lists them)."""

    status = 400

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems[:MAX_SHOWN]
        self.total = total if total is not None else len(problems)
        first = problems[0].message if problems else "The return was refused."
        if self.total > 1:
            message = f"The return was refused: it has {self.total} problems. Nothing of it was saved."
        else:
            message = f"The return was refused: {first}. Nothing of it was saved."
        super().__init__(message)
        self.errors = {"problems": [p.as_dict() for p in self.problems], "problem_count": self.total}


def refuse(message: str, column: str = "", line: int | None = None) -> ReturnRefused:
    return ReturnRefused([Problem(line, column, message)])


def template_csv() -> bytes:
    """The template suppliers download: the header and one example line."""
    from tenderbox.lib.csvsafe import csv_bytes

    return csv_bytes(COLUMN_NAMES, [[c.example for c in COLUMNS]])


# Reading the file ------------------------------------------------------------------------------------
def check_file(uploaded) -> CheckedFile:
    """Size, type and safety of the uploaded file. XLSX goes through the shared upload checks (real
    type sniffed, zip bombs refused, antivirus hook). CSV is checked here, because Excel saves
    "CSV (Comma delimited)" in Windows-1252, which the shared check (UTF-8 only) would refuse."""
    import hashlib

    if uploaded is None:
        raise refuse("Select the CSV or XLSX file of your return")
    filename = safe_filename(uploaded.name)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in {"csv", "xlsx"}:
        raise refuse("The return must be a CSV or XLSX file (use the template)")
    if uploaded.size > MAX_RETURN_BYTES:
        raise refuse(f"The file must be smaller than {MAX_RETURN_BYTES // (1024 * 1024)} MB")
    if extension == "xlsx":
        try:
            return check_upload(uploaded, max_bytes=MAX_RETURN_BYTES)
        except DomainError as exc:
            raise refuse(exc.message.rstrip(".")) from None
    if uploaded.size == 0:
        raise refuse("The selected file is empty")
    content = uploaded.read()
    if b"\x00" in content:
        raise refuse("The file is not a CSV file: it holds binary data")
    try:
        scan(content, filename)
    except DomainError as exc:
        raise refuse(exc.message.rstrip(".")) from None
    return CheckedFile(
        content=content,
        filename=filename,
        content_type="text/csv",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise refuse("The file is not readable text: save it as CSV UTF-8 and try again") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise refuse(f"The file is not a well-formed CSV file ({exc})", line=reader.line_num + 1) from None


def _xlsx_rows(content: bytes):
    import openpyxl

    # openpyxl raises many kinds of error on a damaged workbook (zip, XML, key and value errors);
    # whatever it is, the person needs the same answer.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    except ReturnRefused:
        raise
    except Exception:
        raise refuse("The file cannot be read as an XLSX workbook: it may be damaged") from None


def _header(cells) -> tuple[dict[str, int], list[Problem]]:
    problems, positions = [], {}
    for index, cell in enumerate(cells):
        raw = "" if cell is None else str(cell)
        name = re.sub(r"[^a-z0-9]+", "_", raw.strip().lower()).strip("_")
        name = ALIASES.get(name, name)
        if not name:
            continue
        if name not in COLUMN_NAMES:
            problems.append(
                Problem(1, raw.strip()[:40], "Unknown column: use the column names of the template")
            )
        elif name in positions:
            problems.append(Problem(1, name, "The column appears twice"))
        else:
            positions[name] = index
    for column in COLUMNS:
        if column.required and column.name not in positions:
            problems.append(Problem(1, column.name, "The column is missing: use the template"))
    return positions, problems


# Checking each cell ---------------------------------------------------------------------------------
AMOUNT = re.compile(r"^(-)?£?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class CellError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _amount(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError("Enter an amount in pounds, like 1250.00")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("Enter an amount in pounds, like 1250.00")
        exact = Decimal(repr(value))
        amount = exact.quantize(Decimal("0.01")) if abs(exact) < rules.MAX_AMOUNT * 10 else exact
        # A spreadsheet's arithmetic leaves float dust (0.1 + 0.2); more than that is a real third decimal.
        if abs(exact - amount) > Decimal("0.000001"):
            raise CellError("Enter the amount with at most 2 decimal places")
    else:
        text = _text(value).replace(" ", "")
        if text.startswith("(") and text.endswith(")"):
            text = "-" + text[1:-1]
        if text.startswith("-£"):
            text = "-" + text[2:]
        if not AMOUNT.match(text):
            if re.match(r"^-?£?[\d,]+\.\d{3,}$", text):
                raise CellError("Enter the amount with at most 2 decimal places")
            raise CellError("Enter an amount in pounds, like 1250.00")
        try:
            amount = Decimal(text.replace("£", "").replace(",", ""))
        except InvalidOperation:
            raise CellError("Enter an amount in pounds, like 1250.00") from None
    if abs(amount) > rules.MAX_AMOUNT:
        raise CellError("The amount is too large to be right")
    return amount.quantize(Decimal("0.01"))


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if " " in text and ISO_DATE.match(text.split(" ", 1)[0]):
        text = text.split(" ", 1)[0]  # "2026-03-31 00:00:00" from a spreadsheet's export
    match = ISO_DATE.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = UK_DATE.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise CellError("The date does not exist") from None
    raise CellError("Enter the date as 2026-03-31 or 31/03/2026")


def parse(
    content: bytes,
    filename: str,
    *,
    period: date,
    today: date,
    references: set[str],
    default_reference: str | None = None,
) -> list[Line]:
    """The return's lines, or ReturnRefused listing every problem.

    `references`: the contract references the return may name (the supplier's contracts it covers).
    `default_reference`: for a return for one contract, the reference an empty cell stands for.
    """
    period = rules.month_start(period)
    rows = _xlsx_rows(content) if filename.lower().endswith(".xlsx") else _csv_rows(content)
    problems: list[Problem] = []
    lines: list[Line] = []
    seen: dict[tuple[str, str], int] = {}
    positions = None
    count = 0
    for number, cells in rows:  # `number`: the file's own line (the header is line 1)
        if positions is None:
            if all(_text(c) == "" for c in cells):
                continue  # blank lines before the header
            positions, header_problems = _header(cells)
            if header_problems:
                raise ReturnRefused(header_problems)
            continue
        if all(_text(c) == "" for c in cells):
            continue
        count += 1
        if count > MAX_LINES:
            raise refuse(f"A return may have at most {MAX_LINES:,} lines: split it by contract")
        line, line_problems = _check_line(
            number,
            cells,
            positions,
            period=period,
            today=today,
            references=references,
            default_reference=default_reference,
        )
        if line is not None:
            key = (line.contract_reference, line.invoice_number)
            if key in seen:
                line_problems.append(
                    Problem(line.line, "invoice_number", f"The invoice is already on line {seen[key]}")
                )
            else:
                seen[key] = line.line
        problems.extend(line_problems)
        if line is not None and not line_problems:
            lines.append(line)
    if positions is None:
        raise refuse("The file is empty: use the template")
    if problems:
        raise ReturnRefused(problems)
    if not lines:
        raise refuse(
            f"The file has no lines. If nothing was invoiced in {period:%B %Y}, send a nil return instead"
        )
    return lines


def _check_line(number, cells, positions, *, period, today, references, default_reference):
    problems = []

    def cell(name):
        index = positions.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def problem(column, message):
        problems.append(Problem(number, column, message))

    values = {}
    for name, limit in TEXT_LIMITS.items():
        text = _text(cell(name))
        if len(text) > limit:
            problem(name, f"Enter at most {limit} characters")
        values[name] = text
    reference = values["contract_reference"].upper() or (default_reference or "")
    if not reference:
        problem("contract_reference", "Enter the contract reference (CON-…) of this line")
    elif reference not in references:
        if default_reference:
            problem(
                "contract_reference",
                f"This return is for {default_reference}: the line names another contract",
            )
        else:
            problem("contract_reference", "Not one of your contracts under this framework")
    invoice_number = values["invoice_number"].upper()
    if not invoice_number:
        problem("invoice_number", "Enter the invoice number")
    if not values["description"]:
        problem("description", "Enter what was supplied")

    invoice_date = payment_date = None
    try:
        if _text(cell("invoice_date")) == "" and not isinstance(cell("invoice_date"), date):
            raise CellError("Enter the invoice date")
        invoice_date = _date(cell("invoice_date"))
        if rules.month_start(invoice_date) != period:
            problem(
                "invoice_date",
                f"The invoice is dated {invoice_date:%-d %B %Y}: it belongs in the return for "
                f"{invoice_date:%B %Y}, not {period:%B %Y}",
            )
    except CellError as exc:
        problem("invoice_date", str(exc))
    raw_paid = cell("payment_date")
    if _text(raw_paid) != "" or isinstance(raw_paid, date):
        try:
            payment_date = _date(raw_paid)
            if payment_date > today:
                problem("payment_date", "The payment date is in the future")
        except CellError as exc:
            problem("payment_date", str(exc))

    amount = vat = None
    for name in ("amount_excl_vat", "vat"):
        raw = cell(name)
        if _text(raw) == "":
            problem(name, "Enter the amount" if name == "amount_excl_vat" else "Enter the VAT (0 when none)")
            continue
        try:
            value = _amount(raw)
        except CellError as exc:
            problem(name, str(exc))
            continue
        if name == "amount_excl_vat":
            amount = value
        else:
            vat = value
    if amount is not None and amount == 0:
        problem("amount_excl_vat", "A line of £0 declares nothing: leave it out")
    if amount is not None and vat is not None and amount != 0:
        why = rules.check_vat(amount, vat)
        if why:
            problem("vat", why)

    if problems:
        return None if invoice_number == "" else _partial(number, reference, invoice_number), problems
    return (
        Line(
            line=number,
            contract_reference=reference,
            invoice_number=invoice_number,
            invoice_date=invoice_date,
            payment_date=payment_date,
            description=values["description"],
            category=values["category"],
            amount_excl_vat=amount,
            vat=vat,
        ),
        [],
    )


def _partial(number, reference, invoice_number) -> Line:
    """A refused line still takes part in the duplicate check, so a repeated number is reported too."""
    return Line(number, reference, invoice_number, date.min, None, "", "", Decimal(0), Decimal(0))
