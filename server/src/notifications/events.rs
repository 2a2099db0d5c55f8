//! The change feed and the event streams (`GET /events`, server-sent events).
//!
//! A change an open page may want (an order's, a group's, a new notification) is written as
//! a row of `events` in the transaction that makes it ([`publish`]): a change rolled back
//! is never announced, and one committed is announced whichever server made it. Each server
//! instance reads the feed on a short timer ([`spawn_tailer`], one query for all its
//! streams) and hands each row to its streams through a broadcast channel ([`Hub`]); each
//! stream passes on what its member may see: their own orders and notifications, and any
//! group (a group's seats are public: every stream receives every group's change, a few
//! bytes each, rather than subscribing to the groups its page shows).
//!
//! PostgreSQL may commit ids out of order (id 9's transaction after id 10's), so the reader
//! remembers the ids it skipped and looks for them again for [`SETTLE_MS`]. An event is a hint
//! to read something again, never the thing itself: a stream that fell behind is told to
//! `resync`, and a page reads everything again then, and on connecting.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use quanzi_api::notification::event;
use quanzi_api::{Changed, Unread};
use sqlx::{AnyConnection, AssertSqlSafe};
use tokio::sync::broadcast;

use crate::http::error::AppError;
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, Db};

/// How often each server reads the feed.
pub const TAIL_EVERY: Duration = Duration::from_millis(250);
/// How long a transaction may take to commit after taking its event's id: a missing id is
/// looked for that long, then taken as rolled back.
const SETTLE_MS: i64 = 15_000;
/// How long the feed keeps a row.
const KEEP_MS: i64 = 60 * 60 * 1000;
/// Rows read at most per query.
const BATCH: i64 = 500;
/// Ids missing at most that the reader waits for.
const MAX_GAPS: usize = 1000;
/// Changes a stream may lag behind before it is told to read everything again.
const CHANNEL: usize = 4096;
/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Streams one member may hold open on one server: a tab each, on a phone and a laptop with
/// several tabs each. More is a loop or abuse; each one refused is told to wait.
pub const STREAMS_PER_MEMBER: u32 = 16;
/// How long a member over the cap waits before trying again (the app polls meanwhile).
const STREAMS_FULL_RETRY: Duration = Duration::from_secs(30);

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// A notification for `member_id` (the subject is its id).
    Notification,
    /// One of `member_id`'s orders.
    Order,
    /// A group (anyone may know).
    Group,
}

impl Topic {
    fn as_str(self) -> &'static str {
        match self {
            Topic::Notification => "notification",
            Topic::Order => "order",
            Topic::Group => "group",
        }
    }

    fn parse(raw: &str) -> Option<Topic> {
        [Topic::Notification, Topic::Order, Topic::Group]
            .into_iter()
            .find(|t| t.as_str() == raw)
    }
}

/// One row of the feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub member_id: Option<i64>,
    pub topic: Topic,
    pub subject_id: i64,
}

/// Writes a change to the feed, in the caller's transaction.
pub async fn publish(
    conn: &mut AnyConnection,
    member_id: Option<i64>,
    topic: Topic,
    subject_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO events (member_id, kind, subject_id, created_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(member_id)
    .bind(topic.as_str())
    .bind(subject_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// A change to an order, for its member.
pub async fn order_changed(conn: &mut AnyConnection, order_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO events (member_id, kind, subject_id, created_ms)
         SELECT member_id, 'order', id, $2 FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// A change to a group, for anyone.
pub async fn group_changed(conn: &mut AnyConnection, group_id: i64) -> Result<(), AppError> {
    publish(conn, None, Topic::Group, group_id).await
}

/// This server's streams' common source.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Change>,
    open: OpenStreams,
}

/// Streams open on this server, per member.
#[derive(Clone, Default)]
struct OpenStreams(Arc<Mutex<HashMap<i64, u32>>>);

impl OpenStreams {
    /// The counts; a panic while one was held left them whole (each change is one step).
    fn lock(&self) -> MutexGuard<'_, HashMap<i64, u32>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(CHANNEL).0,
            open: OpenStreams::default(),
        }
    }
}

impl Hub {
    fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }

    /// A place for one more of the member's streams, or 429 `rate_limited` at the cap.
    fn take_slot(&self, member_id: i64) -> Result<Slot, AppError> {
        let mut open = self.open.lock();
        let held = open.entry(member_id).or_insert(0);
        if *held >= STREAMS_PER_MEMBER {
            return Err(crate::http::ratelimit::rate_limited(
                STREAMS_FULL_RETRY,
                "too many live event streams open for this member",
            ));
        }
        *held += 1;
        Ok(Slot {
            open: self.open.clone(),
            member_id,
        })
    }
}

/// One open stream's place in its member's count, given back when the stream is dropped
/// (the tab closed or the connection broke).
struct Slot {
    open: OpenStreams,
    member_id: i64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock();
        if let Some(held) = open.get_mut(&self.member_id) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(&self.member_id);
            }
        }
    }
}

/// What the reader has passed on: every id up to `max_seen` but the `gaps`, ids it has
/// not seen yet (each with when it noticed it missing). A gap is a transaction that has not
/// committed yet, or one rolled back; after [`SETTLE_MS`] it is given up.
#[derive(Debug, Default)]
struct Tail {
    max_seen: i64,
    gaps: BTreeMap<i64, i64>,
}

type FeedRow = (i64, Option<i64>, String, i64);

fn change_of((id, member_id, kind, subject_id): FeedRow) -> Option<Change> {
    Some(Change {
        id,
        member_id,
        topic: Topic::parse(&kind)?,
        subject_id,
    })
}

/// One round of reading the feed: the rows not passed on yet, in id order. The reader's
/// place moves only when the whole round has been read (a failed query leaves it as it was,
/// and the next round reads the same rows again).
async fn read_new(db: &Db, tail: &mut Tail, now: i64) -> Result<Vec<Change>, AppError> {
    let mut next = Tail {
        max_seen: tail.max_seen,
        gaps: tail.gaps.clone(),
    };
    let mut new = Vec::new();
    next.gaps.retain(|_, noticed| *noticed > now - SETTLE_MS);
    if !next.gaps.is_empty() {
        // Our own integers, so a literal list is safe (and no engine binds a list).
        let ids: Vec<String> = next.gaps.keys().map(i64::to_string).collect();
        let rows: Vec<FeedRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id, member_id, kind, subject_id FROM events WHERE id IN ({})",
            ids.join(", ")
        )))
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            next.gaps.remove(&row.0);
            new.extend(change_of(row));
        }
    }
    loop {
        let rows: Vec<FeedRow> = sqlx::query_as(
            "SELECT id, member_id, kind, subject_id FROM events
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(next.max_seen)
        .bind(BATCH)
        .fetch_all(db.pool())
        .await?;
        let full = rows.len() as i64 == BATCH;
        for row in rows {
            // The ids skipped are transactions in flight (or rolled back); of a wide jump
            // (a transaction of many changes still committing) the nearest are kept.
            let from = (next.max_seen + 1).max(row.0 - MAX_GAPS as i64);
            for missing in from..row.0 {
                next.gaps.insert(missing, now);
            }
            next.max_seen = row.0;
            new.extend(change_of(row));
        }
        if !full {
            break;
        }
    }
    while next.gaps.len() > MAX_GAPS {
        next.gaps.pop_first();
    }
    new.sort_by_key(|c| c.id);
    *tail = next;
    Ok(new)
}

/// Reads the feed every [`TAIL_EVERY`] and passes each new row to this server's streams,
/// from now on (what came before is not news), until `alive` is gone. It also forgets rows
/// older than an hour, now and then.
pub fn spawn_tailer(db: Db, hub: Hub, alive: Weak<()>) {
    tokio::spawn(async move {
        let start = sqlx::query_scalar::<_, Option<i64>>("SELECT max(id) FROM events")
            .fetch_one(db.pool())
            .await;
        let mut tail = Tail {
            max_seen: start.ok().flatten().unwrap_or(0),
            gaps: BTreeMap::new(),
        };
        let mut tick = tokio::time::interval(TAIL_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut rounds: u64 = 0;
        loop {
            tick.tick().await;
            if alive.strong_count() == 0 {
                break;
            }
            let now = now_ms();
            match read_new(&db, &mut tail, now).await {
                Ok(changes) => {
                    for change in changes {
                        // No stream listening is no error.
                        let _ = hub.sender.send(change);
                    }
                }
                Err(err) => tracing::warn!(error = %err.message, "reading the change feed failed"),
            }
            rounds += 1;
            if rounds.is_multiple_of(240) {
                let forgot = sqlx::query("DELETE FROM events WHERE created_ms < $1")
                    .bind(now - KEEP_MS)
                    .execute(db.pool())
                    .await;
                if let Err(err) = forgot {
                    tracing::warn!(error = %err, "forgetting old changes failed");
                }
            }
        }
    });
}

/// What the event streams need of the state.
#[derive(Clone)]
pub struct Events {
    pub db: Db,
    pub hub: Hub,
}

impl<S> axum::extract::FromRef<S> for Events
where
    Db: axum::extract::FromRef<S>,
    Hub: axum::extract::FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        Events {
            db: Db::from_ref(state),
            hub: Hub::from_ref(state),
        }
    }
}

/// The member's unread notifications.
pub async fn unread(db: &Db, member_id: i64) -> Result<Unread, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE member_id = $1 AND read_ms IS NULL",
    )
    .bind(member_id)
    .fetch_one(db.pool())
    .await?;
    Ok(Unread {
        unread: u32::try_from(n).unwrap_or(u32::MAX),
    })
}

fn json_event<T: serde::Serialize>(name: &'static str, id: Option<i64>, data: &T) -> Event {
    let event = Event::default().event(name);
    let event = match id {
        Some(id) => event.id(id.to_string()),
        None => event,
    };
    // Our own small structs always serialise; an empty object would only make the app
    // read again.
    event
        .json_data(data)
        .unwrap_or_else(|_| Event::default().event(name).data("{}"))
}

/// The stream's state between two events.
struct Listening {
    events: Events,
    member_id: i64,
    changes: broadcast::Receiver<Change>,
    first: Option<Event>,
    /// Held as long as the stream is.
    _slot: Slot,
}

/// The next event for the member, or the end (the channel closed, or the stream fell too
/// far behind: the app reconnects and reads everything again).
async fn next_event(mut s: Listening) -> Option<(Result<Event, Infallible>, Listening)> {
    if let Some(first) = s.first.take() {
        return Some((Ok(first), s));
    }
    loop {
        let change = match s.changes.recv().await {
            Ok(change) => change,
            // Fell behind (a burst of changes): the page reads everything again, as after a
            // reconnect, and the stream goes on.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                return Some((Ok(Event::default().event(event::RESYNC).data("{}")), s));
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        if change.member_id.is_some_and(|m| m != s.member_id) {
            continue;
        }
        let event = match change.topic {
            Topic::Notification => match unread(&s.events.db, s.member_id).await {
                Ok(unread) => json_event(event::UNREAD, Some(change.id), &unread),
                Err(_) => return None,
            },
            Topic::Order => json_event(
                event::ORDER,
                Some(change.id),
                &Changed {
                    id: change.subject_id,
                },
            ),
            Topic::Group => json_event(
                event::GROUP,
                Some(change.id),
                &Changed {
                    id: change.subject_id,
                },
            ),
        };
        return Some((Ok(event), s));
    }
}

/// The signed-in member's live events (`text/event-stream`): first `unread` (the badge),
/// then `unread` with each new notification, `order` when one of their orders changes and
/// `group` when any group does (read it again if the page shows it). A comment every 15 s
/// keeps the connection open. One stream per tab, at most [`STREAMS_PER_MEMBER`] per member
/// on a server; reconnect with back-off when it ends.
#[utoipa::path(
    get,
    path = "/events",
    tag = "notifications",
    responses(
        (status = 200, description = "Server-sent events: `unread` (`Unread`), `order` and `group` (`Changed`)",
         content_type = "text/event-stream", body = String),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 429, description = "`rate_limited`: the member has as many streams open on this server as one member may",
         body = quanzi_api::ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn stream(
    State(events): State<Events>,
    SignedIn(member_id): SignedIn,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let slot = events.hub.take_slot(member_id)?;
    // Subscribed before the count is read: a notification between the two is not lost.
    let changes = events.hub.subscribe();
    let first = json_event(event::UNREAD, None, &unread(&events.db, member_id).await?);
    let state = Listening {
        events,
        member_id,
        changes,
        first: Some(first),
        _slot: slot,
    };
    let stream = futures_util::stream::unfold(state, next_event);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip() {
        for topic in [Topic::Notification, Topic::Order, Topic::Group] {
            assert_eq!(Topic::parse(topic.as_str()), Some(topic));
        }
        assert_eq!(Topic::parse("price"), None);
    }
}
