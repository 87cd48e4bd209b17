package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/session/record"
)

// recordings are the app's session recordings. Each session closes its
// own when it ends for good (closed, or removed after failing); the app
// closes them all again (Close is idempotent) when the command exits,
// after its sessions, for those still open.
type recordings struct {
	mu   sync.Mutex // guards open
	open []*record.Recorder
}

// startRecording gives opts a Recorder when path is set (connect --record
// FILE) or the settings say record = true for alias (then the file is
// $XDG_STATE_HOME/sshdash/recordings/HOST-DATE.cast). The input is
// recorded too with record-input = true. Without either it does nothing.
func (a *app) startRecording(opts *session.Options, alias, path string) error {
	on, input := a.settings.Record(alias)
	if path == "" && !on {
		return nil
	}
	now := time.Now()
	if path == "" {
		dir, err := record.DefaultDir(a.e.getenv)
		if err != nil {
			return err
		}
		path = record.DefaultPath(dir, alias, now)
	}
	term := opts.Term
	if term == "" {
		term = a.e.getenv("TERM")
	}
	r, err := record.Open(record.Options{Path: path, Width: opts.Cols, Height: opts.Rows, Title: alias,
		Env: map[string]string{"TERM": term, "SHELL": a.e.getenv("SHELL")}, Logger: a.log})
	if err != nil {
		return fmt.Errorf("cannot record the session to %s: %w", alias, err)
	}
	opts.Recorder, opts.RecordInput = r, input
	a.recs.mu.Lock()
	a.recs.open = append(a.recs.open, r)
	a.recs.mu.Unlock()
	a.log.Info("recording the session", "host", alias, "file", path, "input", input)
	return nil
}

// closeRecordings flushes and closes every recording; a recording that
// stopped early (a full disk) is reported on stderr.
func (a *app) closeRecordings() {
	a.recs.mu.Lock()
	open := a.recs.open
	a.recs.open = nil
	a.recs.mu.Unlock()
	for _, r := range open {
		if err := r.Close(); err != nil {
			fmt.Fprintf(a.e.stderr, "sshdash: %v\n", err)
		}
	}
}
