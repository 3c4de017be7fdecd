package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sustain-cli/sustain/ticket"
)

// DirTransport writes each notice to Dir/<message-id>.eml, for sites whose
// mail leaves by some other way (mail.transport: dir).
type DirTransport struct{ Dir string }

// Send writes n.Raw to a temporary file and renames it into place, so a
// reader of Dir never sees half a message. The file gets the usual 0666
// less the umask, like any file the operator's tools make. Writing the same
// notice again replaces the file with the same bytes. The reply is the path.
func (d DirTransport) Send(ctx context.Context, n *ticket.Notice) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	name := fileSafe(strings.Trim(n.MessageID, "<> "))
	if name == "" {
		return "", permanentError{fmt.Errorf("outbox directory %s: the notice has no Message-ID to name its file", d.Dir)}
	}
	final := filepath.Join(d.Dir, name+".eml")
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(d.Dir, ".tmp-"+hex.EncodeToString(rnd[:])+"-"+name)
	// Made on first use, as the store's directory is; the umask decides
	// its mode, as it does the files'.
	if err := os.MkdirAll(d.Dir, 0o777); err != nil {
		return "", fmt.Errorf("outbox directory %s: %w (fix mail.dir)", d.Dir, err)
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return "", fmt.Errorf("outbox directory %s: %w (fix mail.dir or its permissions)", d.Dir, err)
	}
	_, err = f.Write(n.Raw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("outbox directory %s: writing %s: %w", d.Dir, filepath.Base(final), err)
	}
	// The rename is durable only once the directory is synced.
	if dir, err := os.Open(d.Dir); err == nil {
		dir.Sync()
		dir.Close()
	}
	return final, nil
}

// fileSafe keeps the characters a Message-ID usually has and replaces the
// rest, so the ID cannot climb out of the directory or break a shell.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '.', r == '-', r == '_', r == '@', r == '+', r == '=':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if strings.Trim(out, "._") == "" {
		return ""
	}
	if strings.HasPrefix(out, ".") { // not hidden, never ".."
		out = "_" + out[1:]
	}
	return out
}
