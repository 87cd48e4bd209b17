package vt

import (
	"fmt"
	"strings"
	"testing"
)

func plainOutput() []byte {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "%6d the quick brown fox jumps over the lazy dog, again and again.\r\n", i)
	}
	return []byte(b.String())
}

func colouredOutput() []byte {
	var b strings.Builder
	words := []string{"error", "warning", "info", "debug", "trace"}
	for i := 0; b.Len() < 1<<20; i++ {
		for j, w := range words {
			fmt.Fprintf(&b, "\x1b[1;38;2;%d;%d;%dm%s\x1b[0m \x1b[38;5;%dm%d\x1b[m ", i%256, j*40, 255-i%256, w, (i+j)%256, i)
		}
		b.WriteString("\x1b[K\r\n")
	}
	return []byte(b.String())
}

func cjkOutput() []byte {
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString("漢字テスト、日本語のテキスト。한국어 텍스트 👍🏽 e\u0301\r\n")
	}
	return []byte(b.String())
}

func benchWrite(b *testing.B, data []byte) { benchWriteSize(b, data, 120, 40) }

func benchWriteSize(b *testing.B, data []byte, cols, rows int) {
	s := New(cols, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s.Write(data)
	}
}

func BenchmarkWritePlain(b *testing.B)    { benchWrite(b, plainOutput()) }
func BenchmarkWriteColoured(b *testing.B) { benchWrite(b, colouredOutput()) }
func BenchmarkWriteCJK(b *testing.B)      { benchWrite(b, cjkOutput()) }

// BenchmarkWritePlain80x24 is plain text at the size of the end-to-end
// benchmark: shorter lines, more scrolling per byte.
func BenchmarkWritePlain80x24(b *testing.B) { benchWriteSize(b, plainOutput(), 80, 24) }

func benchRender(b *testing.B, cols, rows int) {
	s := New(cols, rows)
	var in strings.Builder
	for y := range rows {
		fmt.Fprintf(&in, "\x1b[%dH", y+1)
		for x := range cols {
			fmt.Fprintf(&in, "\x1b[38;5;%d;48;2;%d;%d;0m%c", (x+y)%256, x%256, y%256, 'a'+(x*y)%26)
		}
	}
	s.Write([]byte(in.String()))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(s.Render())
	}
	b.ReportMetric(float64(n), "bytes/render")
}

func BenchmarkRender80x24(b *testing.B)  { benchRender(b, 80, 24) }
func BenchmarkRender200x60(b *testing.B) { benchRender(b, 200, 60) }

func BenchmarkStyledLines(b *testing.B) {
	s := New(200, 60)
	s.Write(colouredOutput()[:20000])
	b.ReportAllocs()
	for b.Loop() {
		_ = s.StyledLines(80, 20)
	}
}

// BenchmarkCompactStyles is one compaction of the style table of a
// 120×40 screen with a full default scrollback of coloured text.
func BenchmarkCompactStyles(b *testing.B) {
	s := New(120, 40)
	out := colouredOutput()
	for s.sb.len() < DefaultScrollback {
		s.Write(out)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.compactStyles()
	}
	b.ReportMetric(float64(len(s.styles.list)), "styles")
}

// BenchmarkPlainPrefix is the scan that decides what text may be
// deferred, over a MiB of 80-column lines: most of the emulator's time on
// plain text.
func BenchmarkPlainPrefix(b *testing.B) {
	p := plainOutput()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if n := plainPrefix(p); n != len(p) {
			b.Fatalf("plainPrefix = %d, want %d", n, len(p))
		}
	}
}

// BenchmarkWriteZeros is a MiB of NUL fill (`head -c … /dev/zero`, the
// end-to-end BenchmarkBulkOutput's payload) at 80×24.
func BenchmarkWriteZeros(b *testing.B) { benchWriteSize(b, make([]byte, 1<<20), 80, 24) }
