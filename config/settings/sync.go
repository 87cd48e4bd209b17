package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sshdash/sshdash/internal/filelock"
)

// This file holds Save and what it needs to write safely next to other
// writers: symlink resolution that keeps dangling links, the re-read and
// merge of a file that changed since it was loaded, and the atomic write.

// Save writes the file to path (f.Path() when empty) atomically: a
// temporary file in the same directory, renamed over the old one. An
// existing file keeps its permission bits; a new one gets mode 0600, and
// missing directories are created with mode 0700. A symlink at path is
// followed, so the file it points to is written, not the link; a dangling
// symlink stays a symlink and its target is created.
//
// Save never loses an edit made to the file since it was loaded (by hand,
// or by another sshdash): it takes a lock (a ".NAME.lock" file next to the
// target, so two sshdash instances save one after the other), re-reads the
// file and, if it changed, replays this File's SetHost and RemoveHost calls
// on the new content, so only the entries edited here change; f then holds
// the merged content. A File that was never loaded (Empty) is merged the
// same way into a file that exists. If the new content cannot be edited
// (it is no longer valid TOML, or the entry was reshaped by hand), Save
// refuses with an error saying so and writes nothing. For the entries it
// edits, this File's values win over hand edits to the same entry.
func (f *File) Save(path string) error {
	if f == nil {
		return errors.New("settings: Save on a nil *File")
	}
	if path == "" {
		path = f.path
	}
	if path == "" {
		return errors.New("settings: Save: no path")
	}
	target, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("settings: saving %s: %w", path, err)
	}
	// Edits are merged into the file they were loaded from, and into
	// whatever file a File that was never loaded (Empty, used when the
	// file could not be read) is saved to: it must not replace the
	// user's file with only its own entries.
	merge := f.path == "" || f.path == path || sameTarget(f.path, target)
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: saving %s: %w", path, err)
	}
	unlock, err := filelock.Lock(filepath.Join(dir, "."+filepath.Base(target)+".lock"), lockWait)
	if err != nil {
		return fmt.Errorf("settings: saving %s: %w", path, err)
	}
	defer unlock()

	// The lock keeps other sshdash instances out; an editor does not
	// take it, so the file is compared again just before the rename and
	// the merge redone if it changed meanwhile.
	for range maxSaveTries {
		text := f.text
		disk, diskOK, mode, err := readCurrent(target)
		if err != nil {
			return fmt.Errorf("settings: saving %s: %w", path, err)
		}
		var merged *File
		if merge && (disk != f.base || diskOK != f.baseOK) {
			merged, err = f.rebase(target, disk)
			if err != nil && f.path == "" {
				return fmt.Errorf("settings: your change could not be added to %s: %w; nothing was saved (fix or remove the file, then save again)", path, err)
			}
			if err != nil {
				return fmt.Errorf("settings: %s changed since sshdash read it, and your change could not be merged into it: %w; nothing was saved (reopen the settings to see the file as it is now)", path, err)
			}
			text = merged.text
		}
		unchanged := func() error {
			now, nowOK, _, err := readCurrent(target)
			if err != nil {
				return err
			}
			if now != disk || nowOK != diskOK {
				return errChangedWhileSaving
			}
			return nil
		}
		err = writeAtomic(target, text, mode, unchanged)
		if errors.Is(err, errChangedWhileSaving) {
			continue
		}
		if err != nil {
			return fmt.Errorf("settings: saving %s: %w", path, err)
		}
		if merged != nil {
			*f = *merged
		}
		f.path = target
		f.base, f.baseOK, f.edits = text, true, nil
		return nil
	}
	return fmt.Errorf("settings: saving %s: the file kept changing while sshdash saved it (%d tries); nothing was saved", path, maxSaveTries)
}

// maxSaveTries bounds Save's merge-and-write attempts against a file that
// keeps changing under it.
const maxSaveTries = 3

// errChangedWhileSaving is writeAtomic's check failing: the file changed
// between Save reading it and the rename.
var errChangedWhileSaving = errors.New("the file changed while saving")

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
		if e.tags != nil {
			err = nf.setHostTags(e.pattern, *e.tags)
		} else if e.h == nil {
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

// lockWait bounds how long Save waits for another sshdash's save: the
// lock is only held while one file is written, so a longer wait means
// something is wrong, and Save reports it instead of hanging the form.
const lockWait = 5 * time.Second
