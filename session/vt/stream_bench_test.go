package vt

import (
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// base64Output is 4 MiB of what `cat /dev/urandom | base64` prints
// through a PTY: 76 characters and CR LF a line.
func base64Output() []byte {
	raw := make([]byte, 3<<20)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(raw)
	enc := base64.StdEncoding.EncodeToString(raw)
	out := make([]byte, 0, len(enc)+len(enc)/76*2+2)
	for len(enc) > 0 {
		n := min(76, len(enc))
		out = append(out, enc[:n]...)
		out = append(out, '\r', '\n')
		enc = enc[n:]
	}
	return out
}

// benchStream feeds a base64 stream in 32 KiB writes (what the output
// pump hands the screen) to a 120×40 screen with the default scrollback,
// reading the screen as the dashboard's preview does every readEvery
// bytes (0: never, a background session nobody looks at).
func benchStream(b *testing.B, readEvery int) {
	data := base64Output()
	s := New(120, 40)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	since := 0
	for b.Loop() {
		for p := data; len(p) > 0; {
			n := min(32<<10, len(p))
			s.Write(p[:n])
			p = p[n:]
			if since += n; readEvery > 0 && since >= readEvery {
				since = 0
				_ = s.StyledLines(80, 20)
			}
		}
	}
}

// BenchmarkStreamBackground: a stream in a session that is neither
// attached nor previewed.
func BenchmarkStreamBackground(b *testing.B) { benchStream(b, 0) }

// BenchmarkStreamPreviewed: the same stream read back every 2.5 MB (four
// previews a second at 10 MB/s).
func BenchmarkStreamPreviewed(b *testing.B) { benchStream(b, 2500<<10) }

// BenchmarkStreamPreviewedOften: read back every 256 KiB.
func BenchmarkStreamPreviewedOften(b *testing.B) { benchStream(b, 256<<10) }
