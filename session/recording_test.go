package session

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session/record"
)

// readCast parses an asciicast v2 file: a version 2 header, then
// [time, kind, data] events with non-decreasing times.
func readCast(t *testing.T, path string) (hdr map[string]any, kinds, data []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	last := 0.0
	for n := 0; sc.Scan(); n++ {
		if n == 0 {
			if err := json.Unmarshal(sc.Bytes(), &hdr); err != nil || hdr["version"] != 2.0 {
				t.Fatalf("header %q: %v", sc.Bytes(), err)
			}
			continue
		}
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || len(ev) != 3 {
			t.Fatalf("line %d %q: %v", n+1, sc.Bytes(), err)
		}
		at, _ := ev[0].(float64)
		k, ok1 := ev[1].(string)
		d, ok2 := ev[2].(string)
		if !ok1 || !ok2 || at < last {
			t.Fatalf("line %d %q: not an event", n+1, sc.Bytes())
		}
		last = at
		kinds, data = append(kinds, k), append(data, d)
	}
	if hdr == nil {
		t.Fatalf("%s is empty", path)
	}
	return hdr, kinds, data
}

// A recorded session holds its output, a resize, and markers for the drop
// and the reconnect; input only when asked.
func TestSessionRecording(t *testing.T) {
	for _, mode := range []ReattachMode{ReattachNone, ReattachTmux} {
		t.Run(string(mode), func(t *testing.T) {
			if mode == ReattachTmux {
				needTmux(t)
			}
			checkLeaks(t)
			testWatchdog(t, time.Minute)
			recordInput := mode == ReattachTmux
			f := newFixture(t)
			path := filepath.Join(f.dir, "rec", "testhost-x.cast")
			rec, err := record.Open(record.Options{Path: path, Width: 80, Height: 24, Title: "testhost",
				Env: map[string]string{"TERM": "xterm-256color", "SHELL": "/bin/sh"}})
			if err != nil {
				t.Fatal(err)
			}
			m := NewManager(nil, nil)
			ev := watch(m)
			defer ev.close()
			o := f.options(mode)
			o.Recorder, o.RecordInput = rec, recordInput
			s := m.Open(o)
			ev.waitState(t, Up)
			s.Write([]byte("echo before=$((6*7))\r"))
			screenHas(t, s, "before=42")
			s.Resize(100, 30)

			f.cut.cut(true)
			ev.waitState(t, Dropped)
			ev.waitState(t, Reconnecting)
			time.Sleep(200 * time.Millisecond)
			f.cut.setRefuse(false)
			ev.waitFor(t, "up again", func(e Event) bool {
				sc, ok := e.(StateChanged)
				return ok && sc.To == Up && sc.From != Connecting
			})
			s.Write([]byte("echo after=$((7*7))\r"))
			screenHas(t, s, "after=49")
			m.CloseAll(context.Background())
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}

			hdr, kinds, data := readCast(t, path)
			if hdr["width"] != 80.0 || hdr["title"] != "testhost" {
				t.Errorf("header %v", hdr)
			}
			var out, in strings.Builder
			var marks []string
			resized := false
			for i, k := range kinds {
				switch k {
				case "o":
					out.WriteString(data[i])
				case "i":
					in.WriteString(data[i])
				case "m":
					marks = append(marks, data[i])
				case "r":
					resized = resized || data[i] == "100x30"
				default:
					t.Errorf("unknown event kind %q", k)
				}
			}
			for _, w := range []string{"before=42", "after=49"} {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%q", w, out.String())
				}
			}
			if !resized {
				t.Errorf("no resize event to 100x30 in %v", kinds)
			}
			all := strings.Join(marks, "\n")
			wantUp := map[ReattachMode]string{ReattachNone: "reconnected after", ReattachTmux: "reattached to the same shell after"}[mode]
			for _, w := range []string{"connected", "dropped: ", wantUp, "closed"} {
				if !strings.Contains(all, w) {
					t.Errorf("markers lack %q:\n%s", w, all)
				}
			}
			if got := in.String(); recordInput != strings.Contains(got, "echo before=") {
				t.Errorf("record-input %v, recorded input %q", recordInput, got)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("recording mode: %v %v", fi.Mode(), err)
			}
		})
	}
}
