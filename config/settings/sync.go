package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// This file holds what Save needs to write safely next to other writers:
// symlink resolution that keeps dangling links, the re-read and merge of a
// file that changed since it was loaded, and the atomic write.

// maxLinks bounds symlink chains, as the kernel's ELOOP does.
const maxLinks = 40

// resolveLinks follows symlinks at path (the last element, hop by hop) to
// the file to write. Unlike filepath.EvalSymlinks it accepts a dangling
// link: the result is then the missing target, so that writing creates
// the target and the link stays.
func resolveLinks(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("too many levels of symbolic links")
}

// sameTarget reports whether loaded (the path f was loaded from) leads to
// the file target.
func sameTarget(loaded, target string) bool {
	t, err := resolveLinks(loaded)
	return err == nil && filepath.Clean(t) == filepath.Clean(target)
}

// readCurrent reads the file as it is now: its content, whether it
// exists, and the permission bits to keep (0600 for a new file).
func readCurrent(path string) (text string, exists bool, mode fs.FileMode, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, 0o600, nil
	}
	if err != nil {
		return "", false, 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", false, 0, err
	}
	return string(data), true, fi.Mode().Perm(), nil
}

// rebase replays f's edits on disk, the file's current content.
func (f *File) rebase(path, disk string) (*File, error) {
	nf, err := parse(path, disk)
	if err != nil {
		return nil, err
	}
	for _, e := range f.edits {
		if e.h == nil {
			_, err = nf.removeHost(e.pattern)
		} else {
			err = nf.setHost(e.pattern, *e.h)
		}
		if err != nil {
			return nil, err
		}
	}
	return nf, nil
}

// writeAtomic writes text to a temporary file next to path, with mode,
// and renames it over path if check, run just before the rename, allows
// it (otherwise the temporary file is removed and check's error returned).
func writeAtomic(path, text string, mode fs.FileMode, check func() error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".config.toml.*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if _, err := tmp.WriteString(text); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil { // make the rename durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}
