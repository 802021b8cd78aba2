"""Governance reports (社会治理类检察建议的数据报告): numbers, charts and a Chinese A4 PDF."""
