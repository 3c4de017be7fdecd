package mail

import (
	"fmt"
	"io"
)

// MessageLimit caps how much of one message is read (mail.max_message_mb),
// whatever the source: an endless or huge input costs at most Max bytes.
// A message over it is kept cut at Max and, with ParseOptions.Limit set to
// the same MessageLimit, refused by Parse with the reason, so the intake
// quarantines it instead of deciding on its start alone.
type MessageLimit struct {
	Max     int64
	Setting string // the setting named in the reason, e.g. "mail.max_message_mb"
	over    bool
}

// Reader reads at most l.Max bytes of r, then one byte more to learn
// whether the message goes on (Over); never further.
func (l *MessageLimit) Reader(r io.Reader) io.Reader {
	return &limitReader{r: r, left: l.Max, l: l}
}

// Over says the message read through Reader was longer than Max.
func (l *MessageLimit) Over() bool { return l != nil && l.over }

// Reason is the quarantine reason of a message cut at the limit.
func (l *MessageLimit) Reason() string {
	if l.Max >= 1<<20 && l.Max%(1<<20) == 0 {
		return fmt.Sprintf("over %s (%d MB): the first %d MB are kept", l.Setting, l.Max>>20, l.Max>>20)
	}
	return fmt.Sprintf("over %s (%d bytes): the first %d bytes are kept", l.Setting, l.Max, l.Max)
}

type limitReader struct {
	r    io.Reader
	left int64
	l    *MessageLimit
}

func (lr *limitReader) Read(p []byte) (int, error) {
	if lr.left <= 0 {
		if !lr.l.over {
			var one [1]byte
			if n, _ := io.ReadFull(lr.r, one[:]); n > 0 {
				lr.l.over = true
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > lr.left {
		p = p[:lr.left]
	}
	n, err := lr.r.Read(p)
	lr.left -= int64(n)
	return n, err
}
