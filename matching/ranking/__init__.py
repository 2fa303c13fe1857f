"""Participant ranking: pseudonymous participants against vacancies, under hard constraints.

Pure: no database and no files; warehouse/ranking.py reads and writes what this computes.
"""
