package attach

import (
	"os"
	"testing"
	"time"
)

// The terminal reader hands over each read, reports an end of file and
// goes on reading after it (a pipe's EOF repeats, as a hung-up terminal's
// does), and stop returns while the reader holds an EOF or a read that
// nobody takes. A watchdog fails with every goroutine's stack if stop
// blocks.
func TestTermReaderStopsWithReadsInHand(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input func(w *os.File) // what the other end does before stop
	}{
		{"read not taken", func(w *os.File) { w.Write([]byte("keys nobody takes")) }},
		{"eof not taken", func(w *os.File) { w.Close() }},
		{"nothing typed", func(*os.File) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			tr, err := startTermReader(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.input(w)
			time.Sleep(20 * time.Millisecond) // let the reader take it in hand
			watchdog := time.AfterFunc(10*time.Second, func() {
				panic("termReader.stop blocked; goroutines:\n" + goroutines())
			})
			defer watchdog.Stop()
			tr.stop()
		})
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tr, err := startTermReader(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.stop()
	w.Write([]byte("abc"))
	select {
	case p := <-tr.reads:
		if string(p) != "abc" {
			t.Fatalf("read %q, want abc", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no read handed over")
	}
	w.Close()
	for i := 0; i < 2; i++ { // reading goes on after an end of file
		select {
		case <-tr.eof:
		case err := <-tr.err:
			t.Fatalf("end of file reported as the error %v", err)
		case <-time.After(5 * time.Second):
			t.Fatalf("end of file %d not reported", i+1)
		}
	}
}
