"""Exports for people who read a shortlist without the app: CSV, Excel and a PDF briefing pack.

`briefing` assembles what an export holds (Qt-free); `csvfile`, `workbook` and
`pdf` write it; `batch` exports many schools at once.  Only `pdf` uses Qt, and
only QtGui.
"""
