package vt

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// FuzzWrite feeds arbitrary bytes to a Screen. The first three bytes pick
// the size and the chunk size for a split write. Checked: no panic,
// structural invariants (cursor in bounds, wide characters whole, bounded
// strings), split writes equal to one write, Render round trip (also
// with a tiny style table), and previews of exact width.
func FuzzWrite(f *testing.F) {
	for _, p := range programOutputs {
		f.Add(append([]byte{byte(p.cols), byte(p.rows), 7}, p.in...))
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		f.Add(append([]byte{byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))}, randomInput(r, 40)...))
	}
	for _, s := range []string{
		"", "\x1b", "\x1b[", "\x1b]", "\x1bP", "\xe4\xb8", "\x1b[99999999999999999999999H",
		"\x1b[38:2:1:2:3:4:5:6:7:8m", "\x1b[" + string(make([]byte, 100)) + "m", "漢\x1b[1;1H\x1b[4h漢",
	} {
		f.Add(append([]byte{10, 3, 1}, s...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		cols, rows, chunk := 1+int(data[0])%40, 1+int(data[1])%16, 1+int(data[2])%23
		in := data[3:]

		a := New(cols, rows, WithScrollback(20))
		a.Write(in)
		if err := checkInvariants(a); err != nil {
			t.Fatal(err)
		}

		b := New(cols, rows, WithScrollback(20))
		for p := in; len(p) > 0; {
			n := min(chunk, len(p))
			b.Write(p[:n])
			p = p[n:]
		}
		if d := diffSnapshots(takeSnapshot(a), takeSnapshot(b)); d != "" {
			t.Fatalf("split write differs:\n%s", d)
		}
		if !slices.Equal(a.Scrollback(), b.Scrollback()) {
			t.Fatal("split write: scrollback differs")
		}

		roundTrip(t, a)

		// With a tiny style table, compaction and approximation run all
		// the time; the text is the same and the state still redraws.
		c := New(cols, rows, WithScrollback(20))
		c.styles.max = 8
		c.Write(in)
		if err := checkInvariants(c); err != nil {
			t.Fatalf("small style table: %v", err)
		}
		if !slices.Equal(c.Lines(), a.Lines()) || !slices.Equal(c.Scrollback(), a.Scrollback()) {
			t.Fatal("small style table: text differs")
		}
		roundTrip(t, c)

		for _, l := range a.StyledLines(1+cols/2, 1+rows/2) {
			if w := ansi.StringWidth(l); w != 1+cols/2 {
				t.Fatalf("preview line %q width %d", l, w)
			}
		}
		_ = a.Lines()
		_ = a.RenderScrollback()
		a.Resize(1+int(data[2])%40, 1+int(data[0])%16)
		if err := checkInvariants(a); err != nil {
			t.Fatalf("after resize: %v", err)
		}
	})
}
