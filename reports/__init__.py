"""Documents for people outside the warehouse: the employer-service lists, the partner report.

pipelines/ brings data in; reports/ writes what leaves the warehouse for people to read.
"""
