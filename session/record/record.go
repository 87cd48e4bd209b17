package record

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultMaxBytes = 64 << 20 // size of one file before the next starts
	DefaultMaxQueue = 8 << 20  // bytes waiting for the disk before recording stops
)

// Options describe one recording.
type Options struct {
	// Path is the first file; continuations after MaxBytes are named
	// x.1.cast, x.2.cast … Its directory is created with mode 0700.
	Path          string
	Width, Height int               // the terminal size at the start
	Title         string            // the header's title (e.g. the host)
	Env           map[string]string // the header's env (TERM, SHELL)
	// MaxBytes starts a new file (with a new header) once a file has
	// grown past it. 0: DefaultMaxBytes; <0: no cap.
	MaxBytes int64
	// MaxQueue bounds the bytes queued for the disk; past it recording
	// stops rather than hold up the session. 0: DefaultMaxQueue.
	MaxQueue int
	Now      func() time.Time // nil: time.Now
	Logger   *slog.Logger     // nil: discard
}

// event is one queued event; data is copied from the caller.
type event struct {
	at   time.Time
	kind string // "o", "i", "r", "m"
	data []byte
}

// Recorder writes one session's recording. Its methods are safe for
// concurrent use and never block on the disk.
type Recorder struct {
	opts Options
	now  func() time.Time
	log  *slog.Logger
	kick chan struct{} // buffered 1: events queued; sent to and closed under mu
	done chan struct{} // closed when the writer goroutine has ended

	// mu guards the fields below.
	mu      sync.Mutex
	queue   []event
	queued  int    // bytes in queue
	outTail []byte // an incomplete UTF-8 sequence held back from output
	inTail  []byte // likewise for input
	cols    int
	rows    int
	closing bool
	err     error // the first failure; recording has stopped
	files   []string

	// Owned by the writer goroutine.
	f       *os.File
	w       *bufio.Writer
	size    int64
	start   time.Time // the current file's header timestamp
	nfile   int
	scratch []byte
}

// Open creates the recording's first file, writes its header and starts
// the writer.
func Open(o Options) (*Recorder, error) {
	if o.Path == "" {
		return nil, errors.New("recording: no file name")
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = DefaultMaxQueue
	}
	r := &Recorder{opts: o, now: o.Now, log: o.Logger, kick: make(chan struct{}, 1), done: make(chan struct{}),
		cols: o.Width, rows: o.Height}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(filepath.Dir(o.Path), 0o700); err != nil {
		return nil, fmt.Errorf("recording: create the directory for %s: %w", o.Path, err)
	}
	if err := r.openFile(r.now()); err != nil {
		return nil, err
	}
	go r.run()
	return r, nil
}

// Files returns the files written so far, first to last.
func (r *Recorder) Files() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.files...)
}

// Output records bytes the remote sent to the terminal.
func (r *Recorder) Output(p []byte) { r.text("o", p) }

// Input records keystrokes sent to the remote.
func (r *Recorder) Input(p []byte) { r.text("i", p) }

// Resize records a new terminal size.
func (r *Recorder) Resize(cols, rows int) {
	r.mu.Lock()
	r.cols, r.rows = cols, rows
	r.mu.Unlock()
	r.add(event{at: r.now(), kind: "r", data: []byte(strconv.Itoa(cols) + "x" + strconv.Itoa(rows))})
}

// Marker records a marker (shown as a chapter by asciinema play).
func (r *Recorder) Marker(text string) {
	r.add(event{at: r.now(), kind: "m", data: []byte(text)})
}

// text queues p whole UTF-8 sequences first: an incomplete sequence at
// its end waits for the next chunk of the same kind.
func (r *Recorder) text(kind string, p []byte) {
	if len(p) == 0 {
		return
	}
	at := r.now()
	r.mu.Lock()
	tail := &r.outTail
	if kind == "i" {
		tail = &r.inTail
	}
	buf := make([]byte, 0, len(*tail)+len(p))
	buf = append(append(buf, *tail...), p...)
	whole, rest := splitIncomplete(buf)
	*tail = append((*tail)[:0], rest...)
	r.mu.Unlock()
	if len(whole) > 0 {
		r.add(event{at: at, kind: kind, data: whole})
	}
}

// add queues e unless recording has stopped; past MaxQueue it stops.
func (r *Recorder) add(e event) {
	r.mu.Lock()
	if r.err != nil || r.closing {
		r.mu.Unlock()
		return
	}
	if r.queued+len(e.data) > r.opts.MaxQueue {
		r.failLocked(fmt.Errorf("recording %s stopped: the disk fell %d bytes behind the session", r.opts.Path, r.queued))
		r.mu.Unlock()
		return
	}
	r.queue = append(r.queue, e)
	r.queued += len(e.data)
	// Under mu: Close closes kick under mu too.
	select {
	case r.kick <- struct{}{}:
	default:
	}
	r.mu.Unlock()
}

// failLocked stops recording with err (the first failure only) and logs
// it once. r.mu is held.
func (r *Recorder) failLocked(err error) {
	if r.err != nil {
		return
	}
	r.err = err
	r.queue, r.queued = nil, 0
	r.log.Warn(err.Error())
}

// Close writes what is queued (and any held-back partial sequence),
// closes the file and returns the first failure of the recording. It is
// idempotent.
func (r *Recorder) Close() error {
	r.mu.Lock()
	if !r.closing {
		r.closing = true
		// Flush the held-back bytes as they are (encoding replaces them).
		for _, t := range []struct {
			kind string
			tail *[]byte
		}{{"o", &r.outTail}, {"i", &r.inTail}} {
			if len(*t.tail) > 0 && r.err == nil {
				r.queue = append(r.queue, event{at: r.now(), kind: t.kind, data: *t.tail})
				*t.tail = nil
			}
		}
		close(r.kick)
	}
	r.mu.Unlock()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
