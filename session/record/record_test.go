package record

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// castEvent is one parsed event line.
type castEvent struct {
	T    float64
	Kind string
	Data string
}

// parseCast reads an asciicast v2 file strictly: a header with version 2,
// then one [time, kind, data] array per line, times non-decreasing, every
// string valid UTF-8.
func parseCast(t *testing.T, path string) (map[string]any, []castEvent) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	var hdr map[string]any
	var evs []castEvent
	last := 0.0
	for n := 0; sc.Scan(); n++ {
		line := sc.Bytes()
		if !utf8.Valid(line) {
			t.Fatalf("%s line %d: not valid UTF-8: %q", path, n+1, line)
		}
		if n == 0 {
			if err := json.Unmarshal(line, &hdr); err != nil {
				t.Fatalf("%s header: %v", path, err)
			}
			if hdr["version"] != 2.0 {
				t.Fatalf("%s header version %v", path, hdr["version"])
			}
			continue
		}
		var raw []any
		if err := json.Unmarshal(line, &raw); err != nil || len(raw) != 3 {
			t.Fatalf("%s line %d: %q: %v", path, n+1, line, err)
		}
		ts, ok1 := raw[0].(float64)
		kind, ok2 := raw[1].(string)
		data, ok3 := raw[2].(string)
		if !ok1 || !ok2 || !ok3 || ts < last {
			t.Fatalf("%s line %d: bad event %q", path, n+1, line)
		}
		last = ts
		evs = append(evs, castEvent{ts, kind, data})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return hdr, evs
}

// fakeNow is a clock the test advances.
type fakeNow struct{ t time.Time }

func (c *fakeNow) now() time.Time { return c.t }

func TestRecorderWritesAsciicast(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "recordings")
	clk := &fakeNow{t: time.Unix(1_700_000_000, 0)}
	path := DefaultPath(dir, "db/1 prod", clk.t)
	if base := filepath.Base(path); strings.ContainsAny(base, "/ ") || !strings.HasPrefix(base, "db_1_prod-") {
		t.Fatalf("DefaultPath gave %q", path)
	}
	r, err := Open(Options{Path: path, Width: 80, Height: 24, Title: "db1", Env: map[string]string{"TERM": "xterm-256color", "SHELL": "/bin/sh"}, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	r.Output([]byte("hello \"quoted\" \x1b[1mbold\x1b[0m\r\n"))
	clk.t = clk.t.Add(1500 * time.Millisecond)
	r.Resize(100, 30)
	r.Marker("dropped: connection reset")
	r.Input([]byte("ls\r"))
	r.Output([]byte{0xff, 'x'}) // invalid byte: replaced, never written raw
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	hdr, evs := parseCast(t, path)
	if hdr["width"] != 80.0 || hdr["height"] != 24.0 || hdr["title"] != "db1" || hdr["timestamp"] != 1_700_000_000.0 {
		t.Fatalf("header %v", hdr)
	}
	env, _ := hdr["env"].(map[string]any)
	if env["TERM"] != "xterm-256color" || env["SHELL"] != "/bin/sh" {
		t.Fatalf("header env %v", hdr["env"])
	}
	want := []castEvent{
		{0, "o", "hello \"quoted\" \x1b[1mbold\x1b[0m\r\n"},
		{1.5, "r", "100x30"},
		{1.5, "m", "dropped: connection reset"},
		{1.5, "i", "ls\r"},
		{1.5, "o", "\ufffdx"},
	}
	if fmt.Sprint(evs) != fmt.Sprint(want) {
		t.Fatalf("events\n got %v\nwant %v", evs, want)
	}
	for _, p := range []string{path, dir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		wantMode := os.FileMode(0o600)
		if fi.IsDir() {
			wantMode = 0o700
		}
		if fi.Mode().Perm() != wantMode {
			t.Fatalf("%s: mode %v, want %v", p, fi.Mode().Perm(), wantMode)
		}
	}
}

// A file left by an earlier run with a wider mode is truncated and made 0600.
func TestRecorderExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.cast")
	if err := os.WriteFile(path, []byte("old junk that is not a cast\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(Options{Path: path, Width: 10, Height: 5})
	if err != nil {
		t.Fatal(err)
	}
	r.Output([]byte("new"))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	_, evs := parseCast(t, path)
	if len(evs) != 1 || evs[0].Data != "new" {
		t.Fatalf("events %v", evs)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}

// Multi-byte characters split at every possible byte across chunks come
// out whole: each event is valid UTF-8 and together they are the text.
func TestRecorderUTF8Split(t *testing.T) {
	text := "aé€😀ü日本\x1b[0m😀"
	for cut := 0; cut <= len(text); cut++ {
		for cut2 := cut; cut2 <= len(text); cut2++ {
			path := filepath.Join(t.TempDir(), "u.cast")
			r, err := Open(Options{Path: path, Width: 80, Height: 24})
			if err != nil {
				t.Fatal(err)
			}
			r.Output([]byte(text[:cut]))
			r.Output([]byte(text[cut:cut2]))
			r.Output([]byte(text[cut2:]))
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			_, evs := parseCast(t, path)
			var got strings.Builder
			for _, e := range evs {
				if strings.ContainsRune(e.Data, utf8.RuneError) {
					t.Fatalf("cuts %d,%d: replacement character in %q", cut, cut2, e.Data)
				}
				got.WriteString(e.Data)
			}
			if got.String() != text {
				t.Fatalf("cuts %d,%d: got %q", cut, cut2, got.String())
			}
		}
	}
}

// A sequence still incomplete at Close is written (replaced), not lost.
func TestRecorderTruncatedAtClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.cast")
	r, err := Open(Options{Path: path, Width: 80, Height: 24})
	if err != nil {
		t.Fatal(err)
	}
	r.Output([]byte("ab\xe2\x82"))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	_, evs := parseCast(t, path)
	if len(evs) != 2 || evs[0].Data != "ab" || !strings.ContainsRune(evs[1].Data, utf8.RuneError) {
		t.Fatalf("events %v", evs)
	}
}

func TestRecorderRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h-20260101-000000.cast")
	// A leftover continuation from an earlier run is overwritten.
	if err := os.WriteFile(rotatedPath(path, 1), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(Options{Path: path, Width: 80, Height: 24, MaxBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 99) + "\n"
	total := 0
	for i := 0; i < 200; i++ {
		r.Output([]byte(line))
		total += len(line)
		if i == 100 {
			r.Resize(120, 40)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	files := r.Files()
	if len(files) < 4 {
		t.Fatalf("files %v: want several after %d bytes with a 4096-byte cap", files, total)
	}
	got := 0
	for i, f := range files {
		if f != rotatedPath(path, i) {
			t.Fatalf("file %d is %s, want %s", i, f, rotatedPath(path, i))
		}
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 4096+400 || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: size %d mode %v", f, fi.Size(), fi.Mode().Perm())
		}
		hdr, evs := parseCast(t, f)
		if i == len(files)-1 && hdr["width"] != 120.0 {
			t.Fatalf("last file's header keeps the old size: %v", hdr)
		}
		for _, e := range evs {
			if e.Kind == "o" {
				got += len(e.Data)
			}
		}
	}
	if got != total {
		t.Fatalf("recorded %d output bytes across files, want %d", got, total)
	}
	if _, err := os.Stat(rotatedPath(path, len(files))); err == nil {
		t.Fatalf("a file past the last one exists")
	}
}

// A writer that cannot keep up stops recording instead of holding up the
// caller, and says why once.
func TestRecorderStopsWhenBehind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.cast")
	r, err := Open(Options{Path: path, Width: 80, Height: 24, MaxQueue: 1000})
	if err != nil {
		t.Fatal(err)
	}
	r.Output(make([]byte, 2000)) // larger than the queue at once
	r.Output([]byte("after"))
	err = r.Close()
	if err == nil || !strings.Contains(err.Error(), "fell") {
		t.Fatalf("Close: %v, want the recording stopped", err)
	}
	_, evs := parseCast(t, path)
	for _, e := range evs {
		if e.Data == "after" {
			t.Fatalf("recorded after stopping")
		}
	}
}

func TestRecorderOpenFails(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Options{Path: filepath.Join(blocker, "x.cast")})
	if err == nil || !strings.Contains(err.Error(), "recording") {
		t.Fatalf("Open under a file: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/st")
	if d, _ := DefaultDir(nil); d != "/st/sshdash/recordings" {
		t.Fatalf("DefaultDir %q", d)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/h")
	if d, _ := DefaultDir(nil); d != "/h/.local/state/sshdash/recordings" {
		t.Fatalf("DefaultDir %q", d)
	}
	env := map[string]string{"HOME": "/u"}
	if d, _ := DefaultDir(func(k string) string { return env[k] }); d != "/u/.local/state/sshdash/recordings" {
		t.Fatalf("DefaultDir(getenv) %q", d)
	}
}

// Events racing Close are written or dropped, never a panic or a race.
func TestRecorderConcurrentClose(t *testing.T) {
	for i := 0; i < 20; i++ {
		r, err := Open(Options{Path: filepath.Join(t.TempDir(), "c.cast"), Width: 80, Height: 24})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for j := 0; j < 200; j++ {
				r.Output([]byte("x€"))
				r.Marker("m")
				r.Resize(80+j%3, 24)
			}
		}()
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		<-done
	}
}
