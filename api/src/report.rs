//! Reports: a member tells a community's moderators that a post or a comment breaks its
//! rules (`POST /posts/{id}/reports`, `POST /comments/{id}/reports`); the community's owner
//! and moderators, and the store's owners, work through the open ones (`GET /reports`) and
//! remove what was reported or keep it. The reporter is never told who decided.

use serde::{Deserialize, Serialize};

use crate::{Author, CommunityRef};

/// Why something is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Advertising or the same thing over and over.
    Spam,
    /// Insults, harassment or hate.
    Abuse,
    /// Fakes, scams or misleading claims.
    Fraud,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 4] = [
        ReportReason::Spam,
        ReportReason::Abuse,
        ReportReason::Fraud,
        ReportReason::Other,
    ];

    /// As stored and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Abuse => "abuse",
            ReportReason::Fraud => "fraud",
            ReportReason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<ReportReason> {
        ReportReason::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// The body of a report. Reporting the same thing again changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReport {
    pub reason: ReportReason,
}

/// Something reported, as moderators see it in their queue: one entry per post or comment,
/// however many reported it (never who).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The first report's id: what `keep` and `remove` name.
    pub id: i64,
    pub community: CommunityRef,
    pub post_id: i64,
    /// Set when a comment is reported.
    pub comment_id: Option<i64>,
    /// The post's title, or the comment's text.
    pub text: String,
    /// Who wrote what was reported.
    pub author: Author,
    /// Each reason given, most given first.
    pub reasons: Vec<ReportReason>,
    /// Members who reported it.
    pub reports: u32,
    /// The first report, RFC 3339 UTC.
    pub reported_at: String,
}
