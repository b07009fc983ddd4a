"""Page breaks Qt's rich-text layout does not make on its own: a heading kept with what follows it, and a
table row kept whole.

Qt's HTML subset has no `page-break-after: avoid` or `page-break-inside: avoid`:
laid out on A4, a heading ("Its schools nearest to ...", "What recent joiners
said overall") could end a page with its table or paragraph on the next, and a
member school's two-line name could be cut between two pages.  After the
document is laid out at its page size, the first such place gets a page break
and the layout runs again from there, until none is left.  (The layout Qt
redoes on its own after a format change stops short of the end of a long
document, so the rest is marked for layout explicitly.)

A heading gets a break before it.  A row gets one after the row above it (in
its first cell): a break before the row, inside its own cells, would send it
two pages on, as Qt moves the row to the next page and then the break moves its
text once more.  A table's first row that would be cut moves the whole table.
"""

from __future__ import annotations

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextFormat, QTextTable

MAX_BREAKS = 500  # a guard: a pack has a few per trust


def _line_pages(document: QTextDocument, block: QTextBlock, page_height: float) -> list[int]:
    """The page of each of the block's lines (Qt never cuts a line, so its middle tells)."""
    top = document.documentLayout().blockBoundingRect(block).top()
    layout = block.layout()
    pages = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        pages.append(int((top + line.y() + line.height() / 2) // page_height))
    return pages


def _next_with_text(block: QTextBlock) -> QTextBlock:
    """The next block that shows something (a table's first cell is the next block in document order)."""
    block = block.next()
    while block.isValid() and not block.text().strip():
        block = block.next()
    return block


def _row_pages(document: QTextDocument, table: QTextTable, row: int, page_height: float) -> list[int]:
    pages = []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        block, end = cell.firstCursorPosition().block(), cell.lastCursorPosition().position()
        while block.isValid() and block.position() <= end:
            pages += _line_pages(document, block, page_height)
            block = block.next()
    return pages


def first_bad_break(document: QTextDocument, page_height: float, start: int = 0, whole_blocks: bool = False):
    """The first place at or after position `start` where a page break falls wrongly: a heading block whose
    last line ends a page that what follows it does not start on, a (table, row) whose lines are on two
    pages, or with `whole_blocks` any paragraph cut in two that a page could hold; None when there is none."""
    block = document.findBlock(start)
    rows_seen: set[tuple[int, int]] = set()
    while block.isValid():
        table = QTextCursor(block).currentTable()
        if table is not None:
            row = table.cellAt(block.position()).row()
            if (table.firstPosition(), row) not in rows_seen:
                rows_seen.add((table.firstPosition(), row))
                pages = _row_pages(document, table, row, page_height)
                # a header row is repeated, not cut; a row taller than a page must be cut
                if row >= table.format().headerRowCount() and pages and max(pages) - min(pages) == 1:
                    return table, row
        elif block.blockFormat().headingLevel() and block.text().strip():
            after = _next_with_text(block)
            if after.isValid():
                last = _line_pages(document, block, page_height)[-1:]
                first = _line_pages(document, after, page_height)[:1]
                if last and first and last[0] < first[0]:
                    return block
        elif whole_blocks and block.text().strip():
            pages = _line_pages(document, block, page_height)
            height = document.documentLayout().blockBoundingRect(block).height()
            if pages and pages[0] < pages[-1] and height < page_height:
                return block
        block = block.next()
    return None


def _heading_above(block: QTextBlock) -> QTextBlock | None:
    """The heading just above a paragraph (empty blocks between them skipped), if there is one."""
    if block.blockFormat().headingLevel():
        return None
    block = block.previous()
    while block.isValid() and not block.text().strip():
        block = block.previous()
    return block if block.isValid() and block.blockFormat().headingLevel() else None


def _heading_before(document: QTextDocument, table: QTextTable) -> QTextBlock | None:
    return _heading_above(document.findBlock(table.firstPosition()))


def _break(block: QTextBlock, policy) -> None:
    form = block.blockFormat()
    form.setPageBreakPolicy(form.pageBreakPolicy() | policy)
    QTextCursor(block).setBlockFormat(form)


def keep_together(document: QTextDocument, page_height: float, whole_blocks: bool = False) -> int:
    """Break pages where a heading would be left alone at a page's foot or a table row cut in two (and with
    `whole_blocks`, where a paragraph would be cut: a slide's item read as one); returns how many breaks were
    made."""
    position = 0
    for count in range(MAX_BREAKS):
        found = first_bad_break(document, page_height, position, whole_blocks)
        if found is None:
            return count
        if isinstance(found, QTextBlock):
            heading = _heading_above(found)
            found = heading if heading is not None else found  # a paragraph moved on takes its heading along
            _break(found, QTextFormat.PageBreak_AlwaysBefore)
            position = found.position()
        else:
            table, row = found
            if row > table.format().headerRowCount():
                _break(table.cellAt(row - 1, 0).lastCursorPosition().block(), QTextFormat.PageBreak_AlwaysAfter)
            elif (heading := _heading_before(document, table)) is not None:
                _break(heading, QTextFormat.PageBreak_AlwaysBefore)  # the table moves on with its heading
            else:
                form = table.format()
                form.setPageBreakPolicy(form.pageBreakPolicy() | QTextFormat.PageBreak_AlwaysBefore)
                table.setFormat(form)
            position = document.findBlock(max(table.firstPosition() - 1, 0)).position()
        document.markContentsDirty(position, document.characterCount() - position)
    return MAX_BREAKS
