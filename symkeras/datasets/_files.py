"""Finding, downloading and safely writing the files of the datasets (no pickle anywhere).

Each dataset lives in a folder named after it (`mnist`, `fashion-mnist`, `cifar10`, ...),
searched in this order: the `path` the user gave, `$SYMKERAS_DATASETS/<name>/`, then the
user cache `~/.symkeras/datasets/<name>/`. Downloads are checked before anything is written,
then written atomically (temp file, fsync, rename), so a folder never holds half a file.
"""
import gzip
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zlib

DOWNLOAD_TIMEOUT = 60  # seconds per request
GZIP_MAGIC = b'\x1f\x8b'


class DownloadError(OSError):
    """A dataset was not found locally and no download gave a file that passed the checks."""


def user_cache_folder(dataset):
    """Return the per-user folder of `dataset`, `~/.symkeras/datasets/<dataset>`."""
    return os.path.join(os.path.expanduser('~'), '.symkeras', 'datasets', dataset)


def search_folders(dataset, path=None):
    """Folders searched for the files of `dataset`, in order (only `path` when given)."""
    if path is not None:
        return [os.fspath(path)]
    folders = []
    root = os.environ.get('SYMKERAS_DATASETS')
    if root:
        folders.append(os.path.join(root, dataset))
    folders.append(user_cache_folder(dataset))
    return folders


def locate(folder, name):
    """Return the path of `name` or `name.gz` in `folder`, or None."""
    for candidate in (name, name + '.gz'):
        full = os.path.join(folder, candidate)
        if os.path.isfile(full):
            return full
    return None


def fetch(url):
    """Return the bytes at `url` (the one place that touches the network)."""
    print('Downloading data from %s' % url)
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        return response.read()


def download_first_good(urls, target, check, fetcher):
    """Save to `target` the first payload of `urls` that `check` accepts.

    `check(payload)` raises ValueError when the payload is not the expected file; nothing
    is written then. Raises DownloadError listing every URL and why it failed.
    """
    failures = []
    for url in urls:
        try:
            payload = fetcher(url)
            check(payload)
        except (OSError, ValueError) as exc:
            failures.append('  %s: %s' % (url, exc))
            continue
        write_atomically(target, payload)
        return
    raise DownloadError('\n'.join(failures))


def make_folder(folder, dataset):
    """Create the download folder, or raise DownloadError saying why it cannot be."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise DownloadError('%s: cannot create the download folder %s (%s)'
                            % (dataset, folder, exc)) from exc


def gunzip(payload):
    """Decompress gzip bytes; a bad stream is a ValueError."""
    try:
        return gzip.decompress(payload)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError('not a complete gzip file (%s)' % exc) from exc


def check_digest(name, content, algorithm, expected):
    """Raise ValueError unless `content` has the `expected` hex digest."""
    digest = hashlib.new(algorithm, content).hexdigest()
    if digest != expected:
        raise ValueError('checksum mismatch for %s: expected %s %s, received %s'
                         % (name, algorithm, expected, digest))


def write_atomically(filepath, payload):
    """Write `payload` to a temp file beside `filepath`, fsync it, then rename it over."""
    folder = os.path.dirname(filepath) or '.'
    handle, temp_path = tempfile.mkstemp(dir=folder, prefix='.' + os.path.basename(filepath),
                                         suffix='.part')
    try:
        with os.fdopen(handle, 'wb') as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_path, filepath)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise
    fsync_folder(folder)


def fsync_folder(folder):
    """Make a rename durable where the platform allows it (POSIX)."""
    if not hasattr(os, 'O_DIRECTORY'):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def extract_tar_safely(archive, folder, dataset):
    """Extract the regular files and folders of a tar archive into `folder`.

    Every member is checked first: an absolute name, a `..` component, a link, a device or
    any other special file refuses the whole archive (ValueError naming the member), so
    nothing is written outside `folder`. The files are extracted into a temp folder inside
    `folder`, then each top-level entry is renamed into place: an interrupted extraction
    leaves no half-written data folder.
    """
    try:
        with tarfile.open(archive, 'r:*') as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(member, archive, dataset)
            staging = _staging_folder(folder, archive, dataset)
            try:
                for member in members:
                    _extract_member(tar, member, staging)
                _move_entries(staging, folder)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError('%s archive %s: not a complete tar.gz file (%s)'
                         % (dataset, archive, exc)) from exc


def _staging_folder(folder, archive, dataset):
    """A new temp folder inside `folder`, or an OSError saying what to do instead."""
    try:
        return tempfile.mkdtemp(dir=folder, prefix='.extract-')
    except OSError as exc:
        raise OSError('%s: cannot extract %s into %s (%s); extract it into a writable '
                      'folder and pass that folder as path' % (dataset, archive, folder, exc)
                      ) from exc


def _check_member(member, archive, dataset):
    """Refuse a member that is not a plain file or folder inside the destination."""
    name = member.name.replace('\\', '/')
    parts = [part for part in name.split('/') if part not in ('', '.')]
    if not parts and member.isdir() and not name.startswith('/'):
        return   # './': the destination folder itself
    if name.startswith('/') or os.path.isabs(member.name) or '..' in parts or not parts \
            or os.path.splitdrive(member.name)[0]:
        raise ValueError('%s archive %s: refusing member %r, whose path escapes the '
                         'destination folder' % (dataset, archive, member.name))
    if not (member.isfile() or member.isdir()):
        raise ValueError('%s archive %s: refusing member %r: expected a regular file or a '
                         'folder, received a link or special file' % (dataset, archive,
                                                                       member.name))


def _extract_member(tar, member, staging):
    """Write one checked member below `staging` (the archive's owners and modes are not
    applied)."""
    parts = [part for part in member.name.replace('\\', '/').split('/')
             if part not in ('', '.')]
    destination = os.path.join(staging, *parts)
    if member.isdir():
        os.makedirs(destination, exist_ok=True)
        return
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    source = tar.extractfile(member)
    with source, open(destination, 'wb') as target:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            target.write(chunk)
        target.flush()
        os.fsync(target.fileno())


def _move_entries(staging, folder):
    """Rename each top-level entry of `staging` into `folder` (existing ones are kept)."""
    for entry in os.listdir(staging):
        destination = os.path.join(folder, entry)
        if not os.path.exists(destination):
            os.replace(os.path.join(staging, entry), destination)
    fsync_folder(folder)

