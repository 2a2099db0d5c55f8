//! Carts, orders and payments: the ground a group-buy stands on. Orders and payments are
//! created with an `Idempotency-Key` header; a retry returns the first answer.

use serde::{Deserialize, Serialize};

use crate::{Author, Money, ProductCard};

/// Most of one product in one order or cart line.
pub const QUANTITY_MAX: u32 = 20;
/// Lines in a cart.
pub const CART_LINES_MAX: usize = 30;
/// The header that makes order and payment writes safe to retry.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Longest delivery (or pickup contact) name, and the bounds of an address, in characters
/// (after trimming).
pub const DELIVERY_NAME_MAX_CHARS: usize = 30;
pub const ADDRESS_CHARS: std::ops::RangeInclusive<usize> = 5..=200;
/// A mainland mobile number is 11 digits, `1[3-9]` and nine more ([`crate::check::phone`]);
/// typed, it may start `+86` and have a space or hyphen between digits: at most this long.
pub const PHONE_DIGITS: usize = 11;
pub const PHONE_MAX_CHARS: usize = 24;

/// What delivery costs a solo order below [`FREE_DELIVERY_FROM`], in minor units.
pub const DELIVERY_FEE: i64 = 800;
/// A solo order of at least this much (minor units) is delivered free.
pub const FREE_DELIVERY_FROM: i64 = 9_900;
/// Working days from paid (a group order: from its group filling) to shipped.
pub const SHIPS_WITHIN_DAYS: u32 = 2;
/// Days a shopper may return what they bought, unused, without giving a reason.
pub const RETURN_DAYS: u32 = 7;

/// The delivery fee of an order whose lines cost `items` (minor units): nothing for a
/// pickup or a group order (a group ships together), nothing from [`FREE_DELIVERY_FROM`],
/// else [`DELIVERY_FEE`]. The server charges it; the app shows the same rule.
pub fn delivery_fee(kind: OrderKind, delivered: bool, items: i64) -> i64 {
    if !delivered || kind != OrderKind::Solo || items >= FREE_DELIVERY_FROM {
        0
    } else {
        DELIVERY_FEE
    }
}

/// A product and how many of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub product_id: i64,
    /// 1 to 20.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::quantity))]
    #[serde(deserialize_with = "crate::whole::u32")]
    pub quantity: u32,
}

/// A cart line as the server prices it today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLine {
    pub product: ProductCard,
    pub quantity: u32,
    /// Solo price × quantity.
    pub subtotal: Money,
    /// In stock right now (the order checks again); 0 when the product is off the shelf.
    pub stock: u32,
}

/// `GET /cart`, and the answer to every cart write: the member's cart, priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub total: Money,
}

/// `POST /cart/merge`: a guest's cart (kept in the browser) joins the member's on sign-in.
/// Quantities of the same product add up, capped at 20.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartMerge {
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub lines: Vec<LineRequest>,
}

/// `GET /pickup-points`: where an order can be collected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupPoint {
    pub id: i64,
    pub name: String,
    pub address: String,
    /// Opening hours in words ("每天 09:00–21:00").
    pub hours: String,
}

/// How an order reaches the member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fulfilment {
    /// Name 1–30 chars, a mainland mobile number, address 5–200 chars.
    Delivery {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
        name: String,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::phone))]
        phone: String,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::address))]
        address: String,
    },
    /// At a pickup point; the contact is told when the parcel is ready and shows it there.
    Pickup {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
        #[serde(deserialize_with = "crate::whole::i64")]
        point_id: i64,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
        name: String,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::phone))]
        phone: String,
    },
}

impl Fulfilment {
    pub fn is_pickup(&self) -> bool {
        matches!(self, Fulfilment::Pickup { .. })
    }
}

/// What an order buys: the cart's lines at solo prices, or one product at the group price,
/// starting a group or taking a seat in one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Purchase {
    /// Solo prices; the lines leave the member's cart once the order is paid.
    Solo {
        #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 30))]
        lines: Vec<LineRequest>,
    },
    /// Starts a group for this product at its group price; the member leads it.
    StartGroup {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
        #[serde(deserialize_with = "crate::whole::i64")]
        product_id: i64,
    },
    /// Takes a seat in an open group (held until the payment answers).
    JoinGroup {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
        #[serde(deserialize_with = "crate::whole::i64")]
        group_id: i64,
    },
    /// Units of a product at its flash sale's price, during the sale's slot: a solo order
    /// of its own (not through the cart), the units taken from the sale at once.
    Flash {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
        #[serde(deserialize_with = "crate::whole::i64")]
        flash_sale_id: i64,
        /// 1 to 20, and at most the sale's limit per member.
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::quantity))]
        #[serde(deserialize_with = "crate::whole::u32")]
        quantity: u32,
    },
}

/// `POST /orders` (with `Idempotency-Key`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrder {
    pub purchase: Purchase,
    pub fulfilment: Fulfilment,
    /// The referral code the app kept, if any; the server's first-touch cookie wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_code: Option<String>,
}

/// What an order buys: solo prices, or a seat at the group price (starting the group or
/// joining one). Only a group order holds a seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    Solo,
    StartGroup,
    JoinGroup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    /// Paid, waiting for its group to fill.
    AwaitingGroup,
    ReadyForPickup,
    Shipping,
    Completed,
    Cancelled,
    Refunded,
}

/// The shortcuts to a member's orders by what they wait for (`GET /orders?shelf=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderShelf {
    /// 待付款: not paid yet.
    PendingPayment,
    /// 待成团: paid, the group not full yet.
    AwaitingGroup,
    /// 待发货/待自提: paid, to be shipped or collected.
    ToShip,
    /// 已完成.
    Completed,
}

impl OrderShelf {
    pub const ALL: [OrderShelf; 4] = [
        OrderShelf::PendingPayment,
        OrderShelf::AwaitingGroup,
        OrderShelf::ToShip,
        OrderShelf::Completed,
    ];

    /// The statuses on this shelf.
    pub fn statuses(self) -> &'static [OrderStatus] {
        match self {
            OrderShelf::PendingPayment => &[OrderStatus::PendingPayment],
            OrderShelf::AwaitingGroup => &[OrderStatus::AwaitingGroup],
            OrderShelf::ToShip => &[
                OrderStatus::Paid,
                OrderStatus::ReadyForPickup,
                OrderStatus::Shipping,
            ],
            OrderShelf::Completed => &[OrderStatus::Completed],
        }
    }

    /// As in the query string.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderShelf::PendingPayment => "pending_payment",
            OrderShelf::AwaitingGroup => "awaiting_group",
            OrderShelf::ToShip => "to_ship",
            OrderShelf::Completed => "completed",
        }
    }

    pub fn parse(raw: &str) -> Option<OrderShelf> {
        OrderShelf::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The shelf an order of this status is on; none for cancelled and refunded orders.
    pub fn of(status: OrderStatus) -> Option<OrderShelf> {
        OrderShelf::ALL
            .into_iter()
            .find(|s| s.statuses().contains(&status))
    }
}

/// `GET /orders/counts`: how many of the member's orders are on each shelf.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderCounts {
    pub pending_payment: u32,
    pub awaiting_group: u32,
    pub to_ship: u32,
    pub completed: u32,
}

impl OrderCounts {
    fn slot(&mut self, shelf: OrderShelf) -> &mut u32 {
        match shelf {
            OrderShelf::PendingPayment => &mut self.pending_payment,
            OrderShelf::AwaitingGroup => &mut self.awaiting_group,
            OrderShelf::ToShip => &mut self.to_ship,
            OrderShelf::Completed => &mut self.completed,
        }
    }

    pub fn of(mut self, shelf: OrderShelf) -> u32 {
        *self.slot(shelf)
    }

    /// Counts `n` more orders of `status` (on its shelf, if it has one).
    pub fn add(&mut self, status: OrderStatus, n: u32) {
        if let Some(shelf) = OrderShelf::of(status) {
            let slot = self.slot(shelf);
            *slot = slot.saturating_add(n);
        }
    }
}

/// The reference server's test payment provider, labelled as such in the app: the member
/// picks how the "payment" goes. A real provider plugs in behind the same interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestPayment {
    Approve,
    Decline,
    /// Answers after a delay (the server's `--test-payment-delay-secs`).
    Slow,
}

/// `POST /orders/{id}/pay` (with `Idempotency-Key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pay {
    pub outcome: TestPayment,
}

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Not paid yet (or a declined try: the member may pay again).
    Unpaid,
    /// The provider has not answered yet.
    Processing,
    Declined,
    Approved,
    Refunded,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub product: ProductCard,
    pub quantity: u32,
    /// The price each was bought at (the group price in a group order).
    pub unit_price: Money,
    pub subtotal: Money,
}

/// A member's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub payment: PaymentState,
    pub lines: Vec<OrderLine>,
    /// Part of `total`: see [`delivery_fee`].
    pub delivery_fee: Money,
    /// The lines and the delivery fee.
    pub total: Money,
    pub fulfilment: Fulfilment,
    /// The pickup point's details when picked up.
    pub pickup_point: Option<PickupPoint>,
    /// The group this order starts or sits in, once there is one.
    pub group_id: Option<i64>,
    /// Until when an unpaid order (a declined try included) holds its stock, and a group
    /// order its seat, before it is cancelled; with `server_time`.
    pub hold_until: Option<String>,
    /// What happened, in the member's language, when it needs saying: a late payment
    /// whose group had filled, a failed group's refund.
    pub note: Option<String>,
    /// The parcel, once a delivery order is shipped.
    pub shipment: Option<Shipment>,
    /// The 6 digits to show at the pickup point, while the order is ready there (only to
    /// its shopper).
    pub pickup_code: Option<String>,
    /// The store's reason, when the owner refunded it.
    pub refund_reason: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// When it was handed over or received.
    pub completed_at: Option<String>,
    /// The order's latest pay-for-me link (找人代付), open or paid; none once cancelled.
    pub pay_link: Option<crate::OrderPayLink>,
    pub server_time: String,
}

/// The carriers a parcel can be shipped with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Sf,
    Zto,
    Yto,
    Yunda,
    Sto,
    Jd,
    Ems,
}

impl Carrier {
    pub const ALL: [Carrier; 7] = [
        Carrier::Sf,
        Carrier::Zto,
        Carrier::Yto,
        Carrier::Yunda,
        Carrier::Sto,
        Carrier::Jd,
        Carrier::Ems,
    ];

    /// As stored and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Carrier::Sf => "sf",
            Carrier::Zto => "zto",
            Carrier::Yto => "yto",
            Carrier::Yunda => "yunda",
            Carrier::Sto => "sto",
            Carrier::Jd => "jd",
            Carrier::Ems => "ems",
        }
    }

    pub fn parse(raw: &str) -> Option<Carrier> {
        Carrier::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// Its name as shoppers know it (the same in both languages).
    pub fn name(self) -> &'static str {
        match self {
            Carrier::Sf => "顺丰速运 SF Express",
            Carrier::Zto => "中通快递 ZTO",
            Carrier::Yto => "圆通速递 YTO",
            Carrier::Yunda => "韵达快递 Yunda",
            Carrier::Sto => "申通快递 STO",
            Carrier::Jd => "京东物流 JD Logistics",
            Carrier::Ems => "中国邮政 EMS",
        }
    }
}

/// A shipped order's parcel, on the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shipment {
    pub carrier: Carrier,
    pub tracking_number: String,
    /// RFC 3339 UTC.
    pub shipped_at: String,
    /// When the order completes by itself unless its shopper confirms receipt first.
    pub completes_at: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupState {
    Open,
    Succeeded,
    Failed,
}

/// What kind of group an offer opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Everyone in a filled group receives the product.
    #[default]
    Standard,
    /// 抽奖团: a filled group draws its winners, who receive the product; the others are
    /// refunded in full.
    Lottery,
    /// 老带新: only members with no paid order may join (its leader may be anyone).
    NewMember,
}

impl GroupKind {
    pub const ALL: [GroupKind; 3] = [
        GroupKind::Standard,
        GroupKind::Lottery,
        GroupKind::NewMember,
    ];

    /// As stored and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Standard => "standard",
            GroupKind::Lottery => "lottery",
            GroupKind::NewMember => "new_member",
        }
    }

    pub fn parse(raw: &str) -> Option<GroupKind> {
        GroupKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// One member's ticket in a lottery's draw: `SHA-256("{seed}:{member_id}")` in hex. The
/// `winners` lowest tickets win (ties, which SHA-256 makes unheard of, by member id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotteryTicket {
    pub member_id: i64,
    pub ticket: String,
    pub won: bool,
}

/// A lottery group's draw, verifiable by anyone: the server chose its seed when the group
/// opened and published the seed's SHA-256 then; the draw reveals the seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lottery {
    /// How many members receive the product.
    pub winners: u32,
    /// SHA-256 of the seed (hex), published when the group opened.
    pub seed_hash: String,
    /// The seed (64 hex digits, hashed as text), revealed at the draw; null before.
    pub seed: Option<String>,
    /// When it was drawn (RFC 3339 UTC); null before.
    pub drawn_at: Option<String>,
    /// Every paid member's ticket, lowest first, after the draw; empty before.
    pub tickets: Vec<LotteryTicket>,
}

/// A group-buy as a product page lists it, and in full on `/g/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupBuy {
    pub id: i64,
    pub product: ProductCard,
    pub leader: Author,
    /// Members with a paid seat, the leader first.
    pub members: Vec<Author>,
    /// Seats in all (the group size k).
    pub size: u32,
    /// The group price each member pays, fixed when the group started.
    pub price: Money,
    /// Seats neither paid nor held.
    pub seats_left: u32,
    pub state: GroupState,
    /// RFC 3339 UTC; with `server_time`, for the countdown.
    pub deadline: String,
    pub server_time: String,
    /// The signed-in member's order in this group, if any.
    pub viewer_order_id: Option<i64>,
    pub kind: GroupKind,
    /// A lottery group's commitment and, once drawn, its draw.
    pub lottery: Option<Lottery>,
}

/// `POST /orders/{id}/reorder`: the order's lines put back into the cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reorder {
    pub cart: Cart,
    /// The order's products that could not go back: sold out.
    pub unavailable: Vec<ProductCard>,
}
