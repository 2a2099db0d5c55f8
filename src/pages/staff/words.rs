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
    pub reports: &'static str,
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
    reports: "举报处理",
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
    reports: "Reports to review",
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

/// The catalogue's words (owners listing and editing products).
pub struct CatalogueWords {
    pub catalogue: &'static str,
    pub new_product: &'static str,
    pub edit: &'static str,
    pub publish: &'static str,
    pub unpublish: &'static str,
    pub on_shelf: &'static str,
    pub off_shelf: &'static str,
    /// `{n}` units left, `{sold}` sold.
    pub stock_sold: &'static str,
    pub community: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub subtitle_zh: &'static str,
    pub subtitle_en: &'static str,
    pub solo_price: &'static str,
    pub group_offer: &'static str,
    pub group_price: &'static str,
    pub group_size: &'static str,
    pub window_hours: &'static str,
    pub stock: &'static str,
    pub gallery: &'static str,
    pub add_picture: &'static str,
    pub story: &'static str,
    pub add_paragraph: &'static str,
    pub paragraph_zh: &'static str,
    pub paragraph_en: &'static str,
    pub remove: &'static str,
    pub save: &'static str,
    pub close: &'static str,
    pub uploading: &'static str,
    pub no_products: &'static str,
    pub error_price: &'static str,
    pub error_group_price: &'static str,
    pub error_group_size: &'static str,
    pub error_window: &'static str,
    pub error_stock: &'static str,
    pub error_no_picture: &'static str,
}

const CATALOGUE_ZH: CatalogueWords = CatalogueWords {
    catalogue: "商品",
    new_product: "上新商品",
    edit: "编辑",
    publish: "上架",
    unpublish: "下架",
    on_shelf: "在售",
    off_shelf: "已下架",
    stock_sold: "库存 {n} · 已售 {sold}",
    community: "所属圈子",
    title_zh: "标题（中文）",
    title_en: "标题（英文）",
    subtitle_zh: "副标题（中文）",
    subtitle_en: "副标题（英文）",
    solo_price: "单买价（元）",
    group_offer: "开启拼团",
    group_price: "拼团价（元）",
    group_size: "成团人数",
    window_hours: "拼团时限（小时）",
    stock: "库存",
    gallery: "商品图（第一张为封面）",
    add_picture: "添加图片",
    story: "商品故事",
    add_paragraph: "添加段落",
    paragraph_zh: "段落（中文）",
    paragraph_en: "段落（英文）",
    remove: "移除",
    save: "保存",
    close: "收起",
    uploading: "上传中…",
    no_products: "还没有商品。",
    error_price: "价格在 0.01 到 1,000,000 元之间。",
    error_group_price: "拼团价要低于单买价。",
    error_group_size: "成团人数为 2 到 50 人。",
    error_window: "拼团时限为 1 到 168 小时。",
    error_stock: "库存为 0 到 1,000,000 件。",
    error_no_picture: "请至少添加一张商品图（最多 9 张）。",
};

const CATALOGUE_EN: CatalogueWords = CatalogueWords {
    catalogue: "Products",
    new_product: "New product",
    edit: "Edit",
    publish: "Publish",
    unpublish: "Take off the shelf",
    on_shelf: "On sale",
    off_shelf: "Off the shelf",
    stock_sold: "{n} in stock · {sold} sold",
    community: "Community",
    title_zh: "Title (Chinese)",
    title_en: "Title (English)",
    subtitle_zh: "Subtitle (Chinese)",
    subtitle_en: "Subtitle (English)",
    solo_price: "Solo price (yuan)",
    group_offer: "Group offer",
    group_price: "Group price (yuan)",
    group_size: "People per group",
    window_hours: "Group window (hours)",
    stock: "Stock",
    gallery: "Pictures (the first is the cover)",
    add_picture: "Add a picture",
    story: "Story",
    add_paragraph: "Add a paragraph",
    paragraph_zh: "Paragraph (Chinese)",
    paragraph_en: "Paragraph (English)",
    remove: "Remove",
    save: "Save",
    close: "Close",
    uploading: "Uploading…",
    no_products: "No products yet.",
    error_price: "A price is from 0.01 to 1,000,000 yuan.",
    error_group_price: "The group price must be below the solo price.",
    error_group_size: "A group takes 2 to 50 people.",
    error_window: "A group stays open 1 to 168 hours.",
    error_stock: "Stock is 0 to 1,000,000 units.",
    error_no_picture: "Add at least one picture (at most 9).",
};

pub fn catalogue_words(lang: Lang) -> &'static CatalogueWords {
    match lang {
        Lang::ZhCn => &CATALOGUE_ZH,
        Lang::En => &CATALOGUE_EN,
    }
}

impl CatalogueWords {
    /// What to tell an owner whose product the server refused.
    pub fn error(&self, t: &'static Strings, error: &ClientError) -> &'static str {
        match error.code() {
            Some(ErrorCode::BadPrice) => self.error_price,
            Some(ErrorCode::GroupPriceTooHigh) => self.error_group_price,
            Some(ErrorCode::BadGroupSize) => self.error_group_size,
            Some(ErrorCode::BadWindow) => self.error_window,
            Some(ErrorCode::BadStock) => self.error_stock,
            Some(ErrorCode::TooManyImages) => self.error_no_picture,
            _ => form_error(t, error),
        }
    }
}

/// The console's community words (owners creating communities and appointing moderators).
pub struct CommunityWords {
    pub communities: &'static str,
    pub new_community: &'static str,
    pub slug: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
    pub cover: &'static str,
    pub create: &'static str,
    pub moderator: &'static str,
    pub appoint_label: &'static str,
    pub appoint: &'static str,
    pub relieve: &'static str,
    pub error_cover: &'static str,
    pub error_slug: &'static str,
    pub error_slug_taken: &'static str,
    pub error_name: &'static str,
    pub error_no_member: &'static str,
}

const COMMUNITY_ZH: CommunityWords = CommunityWords {
    communities: "圈子",
    new_community: "新建圈子",
    slug: "网址名（小写字母、数字和 -）",
    name_zh: "名称（中文）",
    name_en: "名称（英文）",
    description_zh: "简介（中文）",
    description_en: "简介（英文）",
    cover: "上传封面",
    create: "创建圈子",
    moderator: "版主",
    appoint_label: "任命版主（会员邮箱）",
    appoint: "任命",
    relieve: "撤销",
    error_cover: "请先上传一张封面。",
    error_slug: "网址名为 1–64 位小写字母、数字或 -。",
    error_slug_taken: "这个网址名已被其他圈子使用。",
    error_name: "名称为 1–30 个字。",
    error_no_member: "没有用这个邮箱登录的会员。",
};

const COMMUNITY_EN: CommunityWords = CommunityWords {
    communities: "Communities",
    new_community: "New community",
    slug: "Address (lower-case letters, digits and -)",
    name_zh: "Name (Chinese)",
    name_en: "Name (English)",
    description_zh: "Description (Chinese)",
    description_en: "Description (English)",
    cover: "Upload a cover",
    create: "Create community",
    moderator: "Moderator",
    appoint_label: "Appoint a moderator (member's email)",
    appoint: "Appoint",
    relieve: "Relieve",
    error_cover: "Upload a cover first.",
    error_slug: "An address is 1 to 64 lower-case letters, digits or -.",
    error_slug_taken: "Another community has this address.",
    error_name: "A name is 1 to 30 characters.",
    error_no_member: "No member signs in with this email.",
};

pub fn community_words(lang: Lang) -> &'static CommunityWords {
    match lang {
        Lang::ZhCn => &COMMUNITY_ZH,
        Lang::En => &COMMUNITY_EN,
    }
}

impl CommunityWords {
    /// What to tell an owner whose community or moderator the server refused.
    pub fn error(&self, t: &'static Strings, error: &ClientError) -> &'static str {
        match error.code() {
            Some(ErrorCode::BadSlug) => self.error_slug,
            Some(ErrorCode::SlugTaken) => self.error_slug_taken,
            Some(ErrorCode::BadName) => self.error_name,
            Some(ErrorCode::NotFound) => self.error_no_member,
            _ => form_error(t, error),
        }
    }
}
