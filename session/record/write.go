package record

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

// header is the asciicast v2 header line.
type header struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp"`
	Env       map[string]string `json:"env,omitempty"`
	Title     string            `json:"title,omitempty"`
}

// run is the writer goroutine: it drains the queue to the file until
// Close, then flushes and closes the file.
func (r *Recorder) run() {
	defer close(r.done)
	for range r.kick {
		r.drain()
	}
	r.drain()
	err := r.w.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.mu.Lock()
		r.failLocked(fmt.Errorf("recording %s: %w", r.f.Name(), err))
		r.mu.Unlock()
	}
}

// drain writes every queued event, then flushes.
func (r *Recorder) drain() {
	for {
		r.mu.Lock()
		q := r.queue
		r.queue, r.queued = nil, 0
		stopped := r.err != nil
		cols, rows := r.cols, r.rows
		r.mu.Unlock()
		if stopped {
			return
		}
		if len(q) == 0 {
			break
		}
		for _, e := range q {
			if err := r.write(e, cols, rows); err != nil {
				r.mu.Lock()
				r.failLocked(err)
				r.mu.Unlock()
				return
			}
		}
	}
	if err := r.w.Flush(); err != nil {
		r.mu.Lock()
		r.failLocked(fmt.Errorf("recording %s: %w", r.f.Name(), err))
		r.mu.Unlock()
	}
}

// write appends one event line, starting the next file first when this
// one has reached MaxBytes.
func (r *Recorder) write(e event, cols, rows int) error {
	if r.opts.MaxBytes > 0 && r.size >= r.opts.MaxBytes {
		if err := r.rotate(e.at, cols, rows); err != nil {
			return err
		}
	}
	t := e.at.Sub(r.start).Seconds()
	if t < 0 {
		t = 0
	}
	b := r.scratch[:0]
	b = append(b, '[')
	b = strconv.AppendFloat(b, t, 'f', 6, 64)
	b = append(b, `, "`...)
	b = append(b, e.kind...)
	b = append(b, `", `...)
	s, err := json.Marshal(string(e.data)) // invalid bytes become U+FFFD
	if err != nil {
		return fmt.Errorf("recording %s: %w", r.f.Name(), err)
	}
	b = append(b, s...)
	b = append(b, "]\n"...)
	r.scratch = b
	n, err := r.w.Write(b)
	r.size += int64(n)
	if err != nil {
		return fmt.Errorf("recording %s: %w", r.f.Name(), err)
	}
	return nil
}

// rotate closes the current file and opens the next continuation.
func (r *Recorder) rotate(at time.Time, cols, rows int) error {
	err := r.w.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("recording %s: %w", r.f.Name(), err)
	}
	r.nfile++
	r.opts.Width, r.opts.Height = cols, rows
	return r.openFile(at)
}

// openFile creates file number r.nfile (mode 0600) and writes its header.
func (r *Recorder) openFile(at time.Time) error {
	path := rotatedPath(r.opts.Path, r.nfile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	if err := f.Chmod(0o600); err != nil { // an existing file keeps its mode otherwise
		_ = f.Close()
		return fmt.Errorf("recording: %w", err)
	}
	h, err := json.Marshal(header{Version: 2, Width: max(r.opts.Width, 1), Height: max(r.opts.Height, 1),
		Timestamp: at.Unix(), Env: r.opts.Env, Title: r.opts.Title})
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("recording %s: %w", path, err)
	}
	r.f, r.w, r.start = f, bufio.NewWriterSize(f, 64<<10), at
	n, err := r.w.Write(append(h, '\n'))
	r.size = int64(n)
	if err != nil {
		return fmt.Errorf("recording %s: %w", path, err)
	}
	r.mu.Lock()
	r.files = append(r.files, path)
	r.mu.Unlock()
	return nil
}
