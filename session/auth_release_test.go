package session

import (
	"reflect"
	"testing"
)

// Once the handshake has returned, the plan (which x/crypto keeps with
// the connection's config for as long as it lives) holds nothing: no
// identity file, no decrypted key, no password typed for the handshake.
func TestAuthPlanHoldsNothingAfterTheHandshake(t *testing.T) {
	dir := t.TempDir()
	key := writeKey(t, dir, "id", "")
	tg := testTarget(dir, 2222)
	tg.IdentityFiles = []string{key.Path}
	d := &dialer{opts: DialOptions{Target: tg}, home: dir, log: func(string) {}}
	p := newAuthPlan(tg, d, &prompter{}, nil)
	if m := p.nextKey(); m == nil {
		t.Fatalf("no publickey method for %s (notes %q)", key.Path, p.notes)
	}
	p.pending = "a password typed for this handshake"
	if len(p.keys) == 0 {
		t.Fatal("the plan loaded no keys")
	}
	p.close()
	if !reflect.ValueOf(*p).IsZero() {
		t.Errorf("after the handshake the plan still holds %d keys, pending %q, target %q", len(p.keys), p.pending, p.t.Alias)
	}
	p.close() // idempotent
}
