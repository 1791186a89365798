"""What an import did, or would do: one line per item with its reasons, and a table."""

from collections import Counter
from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, SKIPPED = "nieuw", "bijgewerkt", "ongewijzigd", "overgeslagen"
ACTIONS = [CREATED, UPDATED, UNCHANGED, SKIPPED]
# The rows of the summary table, in this order.
KINDS = [
    "column",
    "reactie",
    "auteur",
    "thema",
    "beeld",
    "pagina",
    "bijlage",
    "menu-item",
    "overig",
]
KIND_LABELS = {
    "column": ("column", "columns"),
    "reactie": ("reactie", "reacties"),
    "auteur": ("auteur", "auteurs"),
    "thema": ("thema", "thema's"),
    "beeld": ("beeld", "beelden"),
    "pagina": ("pagina", "pagina's"),
    "bijlage": ("bijlage", "bijlagen"),
    "menu-item": ("menu-item", "menu-items"),
    "overig": ("overig item", "overige items"),
}


@dataclass
class Entry:
    kind: str
    label: str
    action: str
    reasons: list = field(default_factory=list)


@dataclass
class Report:
    dry_run: bool = False
    entries: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def add(self, kind, label, action, reasons=(), *, listed=True):
        """Count an item; `listed` items get a line of their own in the report."""
        self.counts[kind, action] += 1
        if listed:
            self.entries.append(Entry(kind, label, action, list(reasons)))

    def count(self, kind, action, number=1):
        self.counts[kind, action] += number

    def total(self, action):
        return sum(n for (_, a), n in self.counts.items() if a == action)

    def rows(self):
        """[(kind label, {action: count}), ...] for the kinds that occurred."""
        result = []
        for kind in KINDS:
            numbers = {action: self.counts.get((kind, action), 0) for action in ACTIONS}
            if any(numbers.values()):
                result.append((KIND_LABELS[kind][1], numbers))
        return result

    def headline(self):
        numbers = ", ".join(f"{action}: {self.total(action)}" for action in ACTIONS)
        if self.dry_run:
            return f"Proefdraai, er is niets veranderd. Zou worden — {numbers}."
        return f"Import klaar — {numbers}."

    def lines(self):
        """The report as text lines: the items, then the summary table."""
        out = []
        for entry in self.entries:
            reasons = f" — {'; '.join(entry.reasons)}" if entry.reasons else ""
            out.append(f"[{entry.action}] {entry.kind}: {entry.label}{reasons}")
        out.append("")
        out.extend(self.table())
        return out

    def table(self):
        header = ["", *ACTIONS]
        body = [[label, *(str(numbers[a]) for a in ACTIONS)] for label, numbers in self.rows()]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

        def line(row):
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            return "  ".join(cells).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return [line(header), rule, *(line(row) for row in body)]
