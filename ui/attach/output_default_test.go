package attach

import (
	"os"
	"testing"
)

// The terminal gets the ordinary write unless the raw one is asked for.
func TestOutputDefaultIsOrdinaryWrite(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	out := openOutput(w, false)
	if _, ok := out.(plainOutput); !ok {
		t.Fatalf("default output is %T, want the ordinary write", out)
	}
	out.Close()
}
