// Package leftover records the hosts where sshdash may have left shells
// running: a reattachable (tmux or screen) session came up there and no
// sshdash process has since seen it end cleanly. The dashboard lists the
// detached sessions of those hosts at start, and of no other host, so
// nobody is logged into a host they did not ask for.
//
// The record is one small JSON file under $XDG_STATE_HOME/sshdash/,
// mode 0600, that several sshdash processes update: each update takes an
// flock on a lock file next to it, re-reads the file, changes only its
// own hosts and replaces the file atomically (a temporary file renamed
// over it). A file that cannot be read or parsed is logged and treated
// as empty, never fatal; the next update rewrites it.
package leftover

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/sshdash/sshdash/internal/filelock"
)

// FileName is the record's name in sshdash's state directory.
const FileName = "leftover.json"

// DefaultPath is $XDG_STATE_HOME/sshdash/leftover.json, or
// ~/.local/state/sshdash/leftover.json; "" when neither is known.
func DefaultPath(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "sshdash", FileName)
}

// Store reads and updates the record at one path. Its methods are safe
// for concurrent use, within a process and across processes.
type Store struct {
	path string
	ttl  time.Duration    // entries older than this are dropped; 0: never
	now  func() time.Time // the clock
	log  *slog.Logger
}

// New returns the Store for the file at path. Entries recorded longer
// than ttl ago are dropped (ttl 0 keeps them); now is the clock (nil:
// time.Now) and log receives the problems reading the file (nil:
// discarded).
func New(path string, ttl time.Duration, now func() time.Time, log *slog.Logger) *Store {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{path: path, ttl: ttl, now: now, log: log}
}

// Path is the record's file.
func (s *Store) Path() string { return s.path }

// record is the file's content.
type record struct {
	Version int                  `json:"version"`
	Hosts   map[string]time.Time `json:"hosts"` // alias → when a reattachable session last came up there
}

// Hosts returns the recorded aliases, sorted, without the expired ones.
// It reads without the lock: the file is only ever replaced whole.
func (s *Store) Hosts() []string {
	r, _ := s.read()
	out := make([]string, 0, len(r.Hosts))
	for a := range r.Hosts {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Add records alias as a host where a reattachable session came up now.
func (s *Store) Add(alias string) error {
	return s.update(func(h map[string]time.Time) bool {
		h[alias] = s.now()
		return true
	})
}

// Remove forgets aliases: sshdash left nothing running there.
func (s *Store) Remove(aliases ...string) error {
	return s.update(func(h map[string]time.Time) bool {
		changed := false
		for _, a := range aliases {
			if _, ok := h[a]; ok {
				delete(h, a)
				changed = true
			}
		}
		return changed
	})
}

// read loads the file; a missing one is empty, an unreadable or corrupt
// one is logged and empty. Expired entries are left out; dropped reports
// that the file holds something r does not (corrupt, expired entries).
func (s *Store) read() (r record, dropped bool) {
	r = record{Version: 1, Hosts: map[string]time.Time{}}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, false
	}
	if err != nil {
		s.log.Warn("the record of hosts with sessions left running could not be read; it is ignored", "file", s.path, "err", err)
		return r, true
	}
	var disk record
	if err := json.Unmarshal(b, &disk); err != nil || disk.Version != 1 {
		if err == nil {
			err = fmt.Errorf("version %d, want 1", disk.Version)
		}
		s.log.Warn("the record of hosts with sessions left running is not valid; it is ignored and rewritten on the next change", "file", s.path, "err", err)
		return r, true
	}
	now := s.now()
	for a, at := range disk.Hosts {
		if a == "" || (s.ttl > 0 && now.Sub(at) > s.ttl) {
			dropped = true
			continue
		}
		r.Hosts[a] = at
	}
	return r, dropped
}

// update changes the record under the lock; change reports whether it
// changed anything. The file is rewritten when it did, or when reading
// dropped something (expired entries, a corrupt file).
func (s *Store) update(change func(map[string]time.Time) bool) error {
	if s.path == "" {
		return errors.New("leftover: no state directory")
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("leftover: %w", err)
	}
	unlock, err := filelock.Lock(filepath.Join(dir, "."+filepath.Base(s.path)+".lock"), lockWait)
	if err != nil {
		return fmt.Errorf("leftover: update %s: %w", s.path, err)
	}
	defer unlock()
	r, dropped := s.read()
	if !change(r.Hosts) && !dropped {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("leftover: update %s: %w", s.path, err)
	}
	if err := writeAtomic(s.path, append(b, '\n')); err != nil {
		return fmt.Errorf("leftover: update %s: %w", s.path, err)
	}
	return nil
}

// writeAtomic writes b to a temporary file next to path, mode 0600,
// syncs it and renames it over path.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// lockWait bounds waiting for another sshdash's update: one holds the
// lock only while it rewrites a small file.
const lockWait = 5 * time.Second
