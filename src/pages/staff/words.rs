//! The staff pages' words, in both languages. They live here, not in `i18n::Strings`, so
//! that no shopper's first load carries them: only the staff packs refer to them.

use quanzi_api::{ErrorCode, StaffRole, StaffShelf};

use crate::client::ClientError;
use crate::i18n::{Lang, Strings};
use crate::ui::form::form_error;

pub struct Words {
    pub console: &'static str,
    pub counter: &'static str,
    pub staff_only: &'static str,
    pub owner: &'static str,
    pub clerk: &'static str,
    pub shelves: &'static str,
    pub to_ship: &'static str,
    pub shipped: &'static str,
    pub to_hand_over: &'static str,
    pub finished: &'static str,
    pub refunded: &'static str,
    pub search: &'static str,
    pub search_label: &'static str,
    pub no_orders: &'static str,
    /// `{name}`: who bought it.
    pub buyer: &'static str,
    pub mark_ready: &'static str,
    pub carrier: &'static str,
    pub tracking_number: &'static str,
    pub ship: &'static str,
    pub refund: &'static str,
    pub refund_reason: &'static str,
    pub confirm_refund: &'static str,
    pub cancel: &'static str,
    pub audit: &'static str,
    pub no_audit: &'static str,
    pub point: &'static str,
    pub code: &'static str,
    pub hand_over: &'static str,
    /// `{n}`: the order number.
    pub handed_over: &'static str,
    pub to_counter: &'static str,
    pub no_points: &'static str,
    pub error_wrong_state: &'static str,
    pub error_completed: &'static str,
    pub error_code_wrong: &'static str,
    pub error_code_used: &'static str,
    pub error_other_point: &'static str,
    pub error_locked: &'static str,
    pub error_tracking: &'static str,
    pub open_groups: &'static str,
    pub no_groups: &'static str,
    pub seats_left: &'static str,
    pub ends: &'static str,
    pub team: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub points: &'static str,
    pub save: &'static str,
    pub remove: &'static str,
    pub error_last_owner: &'static str,
    pub error_no_member: &'static str,
}

const ZH: Words = Words {
    console: "店铺后台",
    counter: "自提点核销",
    staff_only: "此页面仅限店铺员工使用。",
    owner: "店长",
    clerk: "店员",
    shelves: "订单分类",
    to_ship: "待发货",
    shipped: "已发货",
    to_hand_over: "待自提",
    finished: "已完成",
    refunded: "已退款",
    search: "搜索",
    search_label: "订单号或手机号",
    no_orders: "这里没有订单。",
    buyer: "买家：{name}",
    mark_ready: "货已到自提点",
    carrier: "快递公司",
    tracking_number: "运单号",
    ship: "发货",
    refund: "退款",
    refund_reason: "退款原因（买家可见）",
    confirm_refund: "确认全额退款",
    cancel: "取消",
    audit: "操作记录",
    no_audit: "还没有操作记录。",
    point: "自提点",
    code: "取货码（6 位数字）",
    hand_over: "核销并交付",
    handed_over: "订单 #{n} 已交付",
    to_counter: "去自提点核销",
    no_points: "你还没有负责的自提点。",
    error_wrong_state: "订单当前状态不能这样操作，请刷新后再看。",
    error_completed: "这笔订单已经完成了。",
    error_code_wrong: "没有等待这个取货码的订单，请核对后重试。",
    error_code_used: "这个取货码的订单已经交付过了。",
    error_other_point: "这个取货码的订单在另一个自提点。",
    error_locked: "错误次数过多，核销已暂停，请稍后再试。",
    error_tracking: "运单号为 8–30 位字母或数字。",
    open_groups: "进行中的拼团",
    no_groups: "没有进行中的拼团。",
    seats_left: "还差 {n} 人",
    ends: "截止 {date}",
    team: "店铺成员",
    email: "邮箱",
    role: "角色",
    points: "负责的自提点（店员）",
    save: "保存",
    remove: "移除",
    error_last_owner: "店铺至少要保留一位店长。",
    error_no_member: "没有用这个邮箱登录的会员。",
};

const EN: Words = Words {
    console: "Store console",
    counter: "Pickup counter",
    staff_only: "This page is for the store's staff only.",
    owner: "Owner",
    clerk: "Clerk",
    shelves: "Orders by state",
    to_ship: "To ship",
    shipped: "Shipped",
    to_hand_over: "To hand over",
    finished: "Completed",
    refunded: "Refunded",
    search: "Search",
    search_label: "Order number or phone",
    no_orders: "No orders here.",
    buyer: "Buyer: {name}",
    mark_ready: "Goods are at the pickup point",
    carrier: "Carrier",
    tracking_number: "Tracking number",
    ship: "Ship",
    refund: "Refund",
    refund_reason: "Reason for the refund (the shopper sees it)",
    confirm_refund: "Refund in full",
    cancel: "Cancel",
    audit: "Audit log",
    no_audit: "Nothing done yet.",
    point: "Pickup point",
    code: "Pickup code (6 digits)",
    hand_over: "Hand over",
    handed_over: "Order #{n} handed over",
    to_counter: "Go to the pickup counter",
    no_points: "You serve no pickup point yet.",
    error_wrong_state: "The order's state does not allow this; refresh and look again.",
    error_completed: "This order is completed already.",
    error_code_wrong: "No order waits for this code; check it and try again.",
    error_code_used: "This code's order has been handed over already.",
    error_other_point: "This code's order waits at another pickup point.",
    error_locked: "Too many wrong codes: hand-over is paused for a while.",
    error_tracking: "A tracking number is 8 to 30 letters and digits.",
    open_groups: "Open group-buys",
    no_groups: "No open group-buys.",
    seats_left: "{n} more needed",
    ends: "Ends {date}",
    team: "Staff",
    email: "Email",
    role: "Role",
    points: "Pickup points (clerks)",
    save: "Save",
    remove: "Remove",
    error_last_owner: "The store keeps at least one owner.",
    error_no_member: "No member signs in with this email.",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

impl Words {
    pub fn shelf(&self, shelf: StaffShelf) -> &'static str {
        match shelf {
            StaffShelf::ToShip => self.to_ship,
            StaffShelf::Shipped => self.shipped,
            StaffShelf::ToHandOver => self.to_hand_over,
            StaffShelf::Finished => self.finished,
            StaffShelf::Refunded => self.refunded,
        }
    }

    pub fn role(&self, role: StaffRole) -> &'static str {
        match role {
            StaffRole::Owner => self.owner,
            StaffRole::Clerk => self.clerk,
        }
    }

    /// What to tell staff whose step the server refused.
    pub fn error(&self, t: &'static Strings, error: &ClientError) -> &'static str {
        match error.code() {
            Some(ErrorCode::WrongOrderState) => self.error_wrong_state,
            Some(ErrorCode::AlreadyCompleted) => self.error_completed,
            Some(ErrorCode::PickupCodeWrong) => self.error_code_wrong,
            Some(ErrorCode::PickupCodeUsed) => self.error_code_used,
            Some(ErrorCode::PickupOtherPoint) => self.error_other_point,
            Some(ErrorCode::HandoverLocked) => self.error_locked,
            Some(ErrorCode::BadTrackingNumber) => self.error_tracking,
            Some(ErrorCode::LastOwner) => self.error_last_owner,
            _ => form_error(t, error),
        }
    }
}
