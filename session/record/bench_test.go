package record

import (
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkRecorderOutput measures the caller's side and the writer
// together: 4 KiB chunks of mixed text recorded and closed.
func BenchmarkRecorderOutput(b *testing.B) {
	chunk := []byte(strings.Repeat("ls -l \x1b[1mbold\x1b[0m é€ \"q\"\r\n", 200)[:4096])
	r, err := Open(Options{Path: filepath.Join(b.TempDir(), "b.cast"), Width: 80, Height: 24, MaxBytes: -1, MaxQueue: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(chunk)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Output(chunk)
	}
	if err := r.Close(); err != nil {
		b.Fatal(err)
	}
}
