"""A page break Qt's rich-text layout does not make on its own: a heading kept with what follows it.

Qt's HTML subset has no `page-break-after: avoid`: laid out on A4, a heading
("Its schools nearest to ...", "What recent joiners said overall") could end a
page with its table or paragraph on the next.  After the document is laid out
at its page size, the first heading left at a page's foot gets a page break
before it and the layout runs again from there, until none is left.  (The
layout Qt redoes on its own after a format change stops short of the end of a
long document, so the rest is marked for layout explicitly.)
"""

from __future__ import annotations

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextFormat

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


def heading_left_alone(document: QTextDocument, page_height: float, start: int = 0) -> QTextBlock | None:
    """The first heading at or after position `start` whose last line ends a page that what follows it does not
    start on."""
    block = document.findBlock(start)
    while block.isValid():
        if block.blockFormat().headingLevel() and block.text().strip():
            after = _next_with_text(block)
            if after.isValid():
                last = _line_pages(document, block, page_height)[-1:]
                first = _line_pages(document, after, page_height)[:1]
                if last and first and last[0] < first[0]:
                    return block
        block = block.next()
    return None


def keep_headings_with_next(document: QTextDocument, page_height: float) -> int:
    """Break the page before every heading left alone at a page's foot; returns how many were moved."""
    position = 0
    for count in range(MAX_BREAKS):
        block = heading_left_alone(document, page_height, position)
        if block is None:
            return count
        form = block.blockFormat()
        form.setPageBreakPolicy(form.pageBreakPolicy() | QTextFormat.PageBreak_AlwaysBefore)
        QTextCursor(block).setBlockFormat(form)
        position = block.position()
        document.markContentsDirty(position, document.characterCount() - position)
    return MAX_BREAKS
