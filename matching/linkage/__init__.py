"""Postings linkage: near-duplicate postings become one vacancy with a stable id and its evidence.

Pure: no database and no files; warehouse/linkage.py reads and writes what this computes.
"""
