package session

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsPermanent(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{&AuthError{}, true},
		{&DialError{Host: "h", Err: &HostKeyChangedError{}}, true},
		{fmt.Errorf("wrapped: %w", &HostKeyRevokedError{}), true},
		{&HostKeyUnknownError{}, true},
		{&ConfigError{Err: errors.New("x")}, true},
		{&TimeoutError{}, false},
		{&ProxyCommandError{Status: 1}, false},
		{&ProxyCommandError{Status: 127}, true},
	} {
		if got := IsPermanent(c.err); got != c.want {
			t.Errorf("IsPermanent(%#v) = %v", c.err, got)
		}
	}
	e := &DialError{Host: "web1", Via: []string{"bastion"}, Err: errors.New("dial 10.0.0.5:22: connection refused")}
	if e.Error() != "connect web1 via bastion: dial 10.0.0.5:22: connection refused" {
		t.Errorf("%q", e.Error())
	}
}
