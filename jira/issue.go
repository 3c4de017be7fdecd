package jira

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Issue is what sustain reads of a Jira issue. Fields not asked for are
// zero; the required ones among those asked for (key, status, summary,
// created) are checked when the answer is read, so a caller never meets an
// issue without them.
type Issue struct {
	Key         string
	Summary     string
	Description string
	Type        string // issue type name
	Status      Status
	Priority    string // priority name, "" when none
	Labels      []string
	FixVersions []string // version names
	Created     time.Time
	Updated     time.Time
	Resolved    time.Time // zero while unresolved
	Attachments []Attachment
	Changes     []Change // with expand=changelog, oldest first
	// Properties holds the entity properties asked for, as stored.
	Properties map[string]json.RawMessage
}

// Status is an issue's workflow status.
type Status struct {
	Name string
	// Category is Jira's status category key: new, indeterminate or done.
	Category string
}

// User is a Jira account as it appears on comments and changes.
type User struct {
	AccountID   string `json:"accountId,omitempty"`
	Name        string `json:"name,omitempty"` // Server / Data Center user name
	Email       string `json:"emailAddress,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// Attachment is a file attached to an issue.
type Attachment struct {
	ID       string
	Filename string
	Size     int64
	Created  time.Time
	Content  string // the URL of its content
}

// Change is one field change from an issue's changelog.
type Change struct {
	At     time.Time
	Author User
	Field  string
	From   string
	To     string
}

// Transition is a workflow transition offered for an issue now.
type Transition struct {
	ID   string
	Name string
	To   Status
	// Fields are the fields of its screen, by field id.
	Fields map[string]TransitionField
}

// TransitionField is a field of a transition's screen.
type TransitionField struct {
	Required bool
	// HasDefault says Jira fills the field itself when it is not sent.
	HasDefault bool
}

// The wire types below are Jira's JSON; they never leave the package.

type wireStatus struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

type wireNamed struct {
	Name string `json:"name"`
}

type wireAttachment struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	Created  string `json:"created"`
	Content  string `json:"content"`
}

type wireFields struct {
	Summary        *string          `json:"summary"`
	Description    string           `json:"description"`
	IssueType      *wireNamed       `json:"issuetype"`
	Status         *wireStatus      `json:"status"`
	Priority       *wireNamed       `json:"priority"`
	Labels         []string         `json:"labels"`
	FixVersions    []wireNamed      `json:"fixVersions"`
	Created        *string          `json:"created"`
	Updated        string           `json:"updated"`
	Resolutiondate string           `json:"resolutiondate"`
	Attachment     []wireAttachment `json:"attachment"`
}

type wireIssue struct {
	Key        string                     `json:"key"`
	Fields     *wireFields                `json:"fields"`
	Properties map[string]json.RawMessage `json:"properties"`
	Changelog  *struct {
		StartAt   int           `json:"startAt"`
		Total     int           `json:"total"`
		Histories []wireHistory `json:"histories"`
	} `json:"changelog"`
}

type wireHistory struct {
	Author  User   `json:"author"`
	Created string `json:"created"`
	Items   []struct {
		Field      string `json:"field"`
		FromString string `json:"fromString"`
		ToString   string `json:"toString"`
	} `json:"items"`
}

// issue checks an issue answer against the fields asked for (none: all)
// and converts it. The error names what is missing.
func (w *wireIssue) issue(asked []string) (*Issue, error) {
	if w.Key == "" {
		return nil, fmt.Errorf("the key of the issue")
	}
	if w.Fields == nil {
		return nil, fmt.Errorf("the fields of %s", w.Key)
	}
	want := func(name string) bool { return len(asked) == 0 || slices.Contains(asked, name) }
	f := w.Fields
	is := &Issue{Key: w.Key, Description: f.Description, Labels: f.Labels, Properties: w.Properties}
	if f.Summary != nil {
		is.Summary = *f.Summary
	} else if want("summary") {
		return nil, fmt.Errorf("the summary of %s", w.Key)
	}
	if f.Status != nil && f.Status.Name != "" {
		is.Status = Status{Name: f.Status.Name, Category: f.Status.StatusCategory.Key}
	} else if want("status") {
		return nil, fmt.Errorf("the status of %s", w.Key)
	}
	var err error
	if f.Created != nil {
		if is.Created, err = parseTime(*f.Created); err != nil || is.Created.IsZero() {
			return nil, fmt.Errorf("a valid creation time of %s (got %q)", w.Key, *f.Created)
		}
	} else if want("created") {
		return nil, fmt.Errorf("the creation time of %s", w.Key)
	}
	if is.Updated, err = parseTime(f.Updated); err != nil {
		return nil, fmt.Errorf("a valid update time of %s (got %q)", w.Key, f.Updated)
	}
	if is.Resolved, err = parseTime(f.Resolutiondate); err != nil {
		return nil, fmt.Errorf("a valid resolution date of %s (got %q)", w.Key, f.Resolutiondate)
	}
	if f.IssueType != nil {
		is.Type = f.IssueType.Name
	}
	if f.Priority != nil {
		is.Priority = f.Priority.Name
	}
	for _, v := range f.FixVersions {
		is.FixVersions = append(is.FixVersions, v.Name)
	}
	for i, a := range f.Attachment {
		if a.Filename == "" || a.Content == "" {
			return nil, fmt.Errorf("the file name and content URL of attachment %d of %s", i+1, w.Key)
		}
		created, _ := parseTime(a.Created) // a missing date does not make the file unreadable
		is.Attachments = append(is.Attachments, Attachment{ID: a.ID, Filename: a.Filename, Size: a.Size, Created: created, Content: a.Content})
	}
	if w.Changelog != nil {
		for _, h := range w.Changelog.Histories {
			at, err := parseTime(h.Created)
			if err != nil || at.IsZero() {
				return nil, fmt.Errorf("a valid time for a change of %s (got %q)", w.Key, h.Created)
			}
			for _, item := range h.Items {
				is.Changes = append(is.Changes, Change{At: at, Author: h.Author, Field: item.Field, From: item.FromString, To: item.ToString})
			}
		}
	}
	return is, nil
}

type wireTransition struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	To     *wireStatus `json:"to"`
	Fields map[string]struct {
		Required        bool `json:"required"`
		HasDefaultValue bool `json:"hasDefaultValue"`
	} `json:"fields"`
}

func (w *wireTransition) transition() (Transition, error) {
	if w.ID == "" {
		return Transition{}, fmt.Errorf("the id of transition %q", w.Name)
	}
	if w.To == nil || w.To.Name == "" {
		return Transition{}, fmt.Errorf("the target status of transition %q", w.Name)
	}
	t := Transition{ID: w.ID, Name: w.Name, To: Status{Name: w.To.Name, Category: w.To.StatusCategory.Key}, Fields: map[string]TransitionField{}}
	for id, f := range w.Fields {
		t.Fields[id] = TransitionField{Required: f.Required, HasDefault: f.HasDefaultValue}
	}
	return t, nil
}

// parseTime reads Jira's time stamps ("2024-03-01T10:15:00.000+0300");
// empty is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var err error
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
