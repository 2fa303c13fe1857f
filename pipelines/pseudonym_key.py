"""The secret key behind participant pseudonyms: where it is found, how it is made.

Precedence, highest first: the environment variable RESQUE_PSEUDONYM_KEY (the key
itself), RESQUE_PSEUDONYM_KEY_FILE (a file holding it), `[privacy] key_file` in the TOML
config, then the default file `$XDG_CONFIG_HOME/resque/pseudonym.key`
(`~/.config/resque/pseudonym.key`). The default lies in the operator's home, never in the
repository or beside the warehouse, so a copy of the warehouse or its snapshot does not
carry the key that would link its pseudonyms back to the source ids.

A key is at least 32 hexadecimal characters (16 bytes; `resque participants keygen` writes
64). A key file must be readable by its owner only, as ssh demands of a private key. The key
itself is never logged, printed or stored; the warehouse keeps only its fingerprint
(`matching.privacy.key_fingerprint`), so that an import with another key is refused instead
of turning every participant into a new person.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from resque.errors import ResqueError
from resque.matching.privacy import key_fingerprint, participant_pseudonym, pseudonym
from resque.warehouse.erasure import check_pseudonym_key, recorded_key_fingerprint

log = logging.getLogger(__name__)
KEY_ENV = "RESQUE_PSEUDONYM_KEY"
KEY_FILE_ENV = "RESQUE_PSEUDONYM_KEY_FILE"
MIN_KEY_HEX = 32
MAX_KEY_FILE_BYTES = 4096
MAKE_ONE = "make one with 'resque participants keygen --out FILE'"


@dataclass(frozen=True)
class PseudonymKey:
    """A loaded key and where it came from (for messages; never the key itself)."""

    secret: bytes = field(repr=False)
    origin: str

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.secret)

    def pseudonym(self, source_id: str) -> str:
        """The pseudonym of a participant id from a source file."""
        return pseudonym(source_id, self.secret)

    def resolve(self, text: str) -> str:
        """A pseudonym as given, or the pseudonym of a source id."""
        try:
            return participant_pseudonym(text, self.secret)
        except ValueError as exc:
            raise ResqueError(str(exc)) from None


def default_key_path() -> Path:
    """$XDG_CONFIG_HOME/resque/pseudonym.key, else ~/.config/resque/pseudonym.key."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    # the XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored
    folder = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return folder / "resque" / "pseudonym.key"


def parse_key(text: str, origin: str) -> PseudonymKey:
    """The key from its hex text; a short or non-hex key is a one-line error without it."""
    value = text.strip()
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        secret = b""
    if len(value) < MIN_KEY_HEX or len(secret) * 2 != len(value):
        raise ResqueError(
            f"{origin}: the pseudonym key must be at least {MIN_KEY_HEX} hexadecimal "
            f"characters (16 bytes); {MAKE_ONE}"
        )
    return PseudonymKey(secret, origin)


def read_key_file(path: Path) -> PseudonymKey:
    """A key file, refused when others may read it or when it is not a small regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ResqueError(f"{path}: no such pseudonym key file; {MAKE_ONE}") from None
    except OSError as exc:
        raise ResqueError(f"{path}: cannot read the pseudonym key file ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_KEY_FILE_BYTES:
        raise ResqueError(f"{path}: not a pseudonym key file; {MAKE_ONE}")
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "posix" and mode & 0o077:
        raise ResqueError(
            f"{path}: the pseudonym key file is accessible by others (mode {mode:04o}); "
            f"make it owner-only: chmod 600 {path}"
        )
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResqueError(f"{path}: cannot read the pseudonym key file") from exc
    return parse_key(text, str(path))


def load_key(key_file: Path | None = None) -> PseudonymKey | None:
    """The configured key, or None when there is none anywhere (nothing is created).

    Args:
        key_file: `[privacy] key_file` of the config, if set.
    Returns:
        The key from RESQUE_PSEUDONYM_KEY, else RESQUE_PSEUDONYM_KEY_FILE, else `key_file`,
        else the default file if it exists. A configured file that is missing is an error:
        silently making a new key would give everybody a new pseudonym.
    """
    if os.environ.get(KEY_ENV):
        return parse_key(os.environ[KEY_ENV], KEY_ENV)
    if os.environ.get(KEY_FILE_ENV):
        return read_key_file(Path(os.environ[KEY_FILE_ENV]).expanduser())
    if key_file is not None:
        return read_key_file(key_file)
    default = default_key_path()
    if default.exists():
        return read_key_file(default)
    return None


def require_key(key_file: Path | None = None) -> PseudonymKey:
    """The configured key; a one-line error saying where to put one when there is none."""
    key = load_key(key_file)
    if key is None:
        raise ResqueError(
            f"no pseudonym key: set {KEY_ENV} or {KEY_FILE_ENV}, set [privacy] key_file, or "
            f"put the key in {default_key_path()}"
        )
    return key


def warehouse_key(
    con: duckdb.DuckDBPyConnection,
    key_file: Path | None = None,
    *,
    required: bool = False,
    create: bool = False,
) -> PseudonymKey | None:
    """The configured key, refused if the warehouse's pseudonyms were made with another.

    Args:
        key_file: `[privacy] key_file` of the config, if set.
        required: with no key anywhere, a one-line error saying where to put one (else None).
        create: with no key anywhere and none recorded in the warehouse, make one in the
            default place (an import: `resque run` on a fresh machine needs no setup). If
            the warehouse records a key, a new one would make everybody a new person.
    """
    key = load_key(key_file)
    if key is None and create:
        recorded = recorded_key_fingerprint(con)
        if recorded is not None:
            raise ResqueError(
                f"no pseudonym key found, but the participants stored were made with key "
                f"fingerprint {recorded}: set {KEY_FILE_ENV} or [privacy] key_file to that "
                "key's file"
            )
        key = create_default_key()
    if key is None:
        return require_key(key_file) if required else None
    check_pseudonym_key(con, key.fingerprint, key.origin)
    return key


def refuse_repository(path: Path) -> None:
    """A key never goes into a source repository, where a commit would publish it."""
    for folder in path.expanduser().absolute().parents:
        if (folder / ".git").exists():
            raise ResqueError(
                f"{path}: inside the repository {folder}; keep the pseudonym key outside it "
                f"(default: {default_key_path()})"
            )


def write_new_key(path: Path) -> PseudonymKey:
    """A new random key written to `path` with mode 0600; an existing file is never replaced.

    The key is written to a temporary file first and linked into place, so that `path`
    either does not exist or holds a whole key: a crash, a full disk or a second process
    never leaves an empty key file that every later import would stumble over.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ResqueError(f"{path.parent}: cannot create the key folder ({exc.strerror})") from exc
    text = secrets.token_hex(32)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # atomic, and fails if the key exists
    except FileExistsError:
        raise ResqueError(f"{path}: exists; a pseudonym key is never overwritten") from None
    except OSError as exc:
        raise ResqueError(f"{path}: cannot create the key file ({exc.strerror})") from exc
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_folder(path.parent)
    return PseudonymKey(bytes.fromhex(text), str(path))


def _fsync_folder(folder: Path) -> None:
    """Make a new directory entry durable (best effort: not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_default_key() -> PseudonymKey:
    """The first participant import on a machine without a key makes one, and says so."""
    path = default_key_path()
    try:
        key = write_new_key(path)
    except ResqueError:
        if path.exists():  # another process made it a moment ago
            return read_key_file(path)
        raise
    log.warning(
        "created a new pseudonym key in %s: back it up now. Without it the pseudonyms "
        "cannot be recomputed, and every participant of the next file would be stored as "
        "a new person",
        path,
    )
    return key
