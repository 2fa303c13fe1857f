"""The warehouse: the DuckDB file, the analysts' snapshot of it, and each step's reads and writes.

Opening the file for writing finishes an interrupted erasure, and that republishes the
snapshot (db.finish_pending). snapshot.py imports db.py, so db.py does not import it: the
package hands db the publish function here, before any of its modules can be used.
"""

from resque.warehouse import db, snapshot

db.republish_with(snapshot.publish_snapshot)
