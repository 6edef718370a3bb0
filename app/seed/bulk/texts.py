"""Word pools for volume data: titles, descriptions, places and names that read like real feedback.

Every pool is small and fixed, so the accent-folded form of each entry is computed once.
"""
from __future__ import annotations

from app.seed.demo_texts import CASE_TEXTS, CITIZEN_NAMES, WARDS

GENERIC_TEXTS = [
    ("Thủ tục giải quyết chậm", "Hồ sơ nộp đã quá hẹn nhưng chưa có kết quả, đề nghị đơn vị kiểm tra."),
    ("Cán bộ hướng dẫn chưa rõ", "Tôi được hướng dẫn nhiều lần nhưng mỗi lần yêu cầu một loại giấy tờ khác."),
    ("Đề nghị công khai quy trình", "Xin đơn vị công khai quy trình và thời hạn giải quyết trên trang thông tin."),
    ("Không liên lạc được đường dây nóng", "Tôi gọi đường dây nóng nhiều lần trong giờ hành chính nhưng không ai nghe máy."),
    ("Góp ý cải cách thủ tục", "Đề nghị cho phép nộp hồ sơ trực tuyến để người dân không phải đi lại nhiều lần."),
    ("Phản ánh thái độ phục vụ", "Cán bộ tiếp nhận hồ sơ có thái độ thiếu niềm nở với người dân lớn tuổi."),
    ("Hỏi về chính sách hỗ trợ", "Xin hỏi điều kiện và thủ tục để được nhận chính sách hỗ trợ năm nay."),
    ("Chậm trả kết quả hồ sơ", "Phiếu hẹn ghi trả kết quả sau 10 ngày làm việc nhưng đã hơn một tháng."),
]

STREETS = [
    "Nguyễn Huệ", "Lê Lợi", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần", "Hai Bà Trưng",
    "Nguyễn Thị Minh Khai", "Trần Hưng Đạo", "Lý Thường Kiệt", "Phan Xích Long", "Nguyễn Văn Linh",
    "Phạm Văn Đồng", "Kha Vạn Cân", "Quang Trung", "Lê Văn Sỹ", "Hoàng Văn Thụ", "Cộng Hòa",
    "Âu Cơ", "Lạc Long Quân", "Tô Ký", "Nguyễn Ảnh Thủ", "Huỳnh Tấn Phát", "Kinh Dương Vương",
    "Nguyễn Hữu Cảnh", "Xô Viết Nghệ Tĩnh", "Bạch Đằng", "Phan Đăng Lưu", "Nơ Trang Long",
]

MORE_WARDS = [
    "Phường Xuân Hòa", "Phường Cầu Ông Lãnh", "Phường Bàn Cờ", "Phường Vườn Lài", "Phường Hòa Hưng",
    "Phường Phú Nhuận", "Phường Tân Sơn Nhất", "Phường Bảy Hiền", "Phường Tân Bình", "Phường Tây Thạnh",
    "Phường Bình Tân", "Phường An Lạc", "Phường Tân Thuận", "Phường Phú Mỹ", "Phường Linh Xuân",
    "Phường Hiệp Bình", "Phường Long Bình", "Phường An Khánh", "Phường Thạnh Mỹ Tây", "Xã Hóc Môn",
    "Xã Bình Chánh", "Xã Nhà Bè", "Xã Cần Giờ",
]
ALL_WARDS = WARDS + MORE_WARDS

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Em", "Giang", "Hà", "Hải", "Hùng", "Lan", "Long", "Mai",
         "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Uyên", "Vy", "Yến"]
NAMES = CITIZEN_NAMES + [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]

QUESTIONS = [
    "Đề nghị ông/bà cung cấp thêm số hồ sơ hoặc mã giao dịch.",
    "Đề nghị ông/bà gửi ảnh chụp giấy hẹn trả kết quả.",
    "Xin ông/bà cho biết thời điểm nộp hồ sơ và nơi nộp.",
]
CITIZEN_REPLIES = [
    "Số hồ sơ của tôi là HS-2025-0412, nộp tại bộ phận một cửa.",
    "Tôi đã gửi ảnh chụp giấy hẹn qua email của đơn vị.",
    "Tôi nộp hồ sơ vào sáng thứ Hai tuần trước tại trụ sở chính.",
]
ANSWERS = [
    "Đơn vị đã kiểm tra và xử lý. Trân trọng cảm ơn ông/bà đã phản ánh.",
    "Hồ sơ của ông/bà đã được giải quyết, kết quả được gửi qua đường bưu điện.",
    "Đơn vị đã hướng dẫn bộ phận chuyên môn khắc phục và rút kinh nghiệm.",
    "Nội dung ông/bà hỏi được quy định tại văn bản hướng dẫn mới nhất; chi tiết xem trên trang của đơn vị.",
]
TRANSFER_REASONS = [
    "Nội dung thuộc lĩnh vực của đơn vị khác.",
    "Địa bàn phản ánh do đơn vị cơ sở khác phụ trách.",
]
REJECT_REASONS = [
    "Nội dung không thuộc thẩm quyền, đề nghị liên hệ UBND phường.",
    "Phản ánh trùng với hồ sơ đã được tiếp nhận trước đó.",
    "Nội dung không đủ thông tin để xác minh.",
]
# (the competent agency, the guidance the citizen reads) for a case the unit may not settle.
GUIDANCE = [
    ("Tòa án nhân dân khu vực 1 TP.HCM",
     "Tranh chấp hợp đồng thuộc thẩm quyền của Tòa án. Ông/bà có thể nộp đơn khởi kiện tại "
     "Tòa án nhân dân khu vực nơi bị đơn cư trú."),
    ("UBND phường nơi cư trú",
     "Việc xác nhận này do UBND phường nơi ông/bà cư trú thực hiện. Đề nghị liên hệ bộ phận "
     "một cửa của phường trong giờ hành chính."),
    ("Sở Tài nguyên và Môi trường TP.HCM",
     "Nội dung về cấp giấy chứng nhận quyền sử dụng đất thuộc thẩm quyền của Sở Tài nguyên và "
     "Môi trường. Đề nghị gửi đơn đến Sở để được giải quyết."),
    ("Công an TP.HCM",
     "Hành vi có dấu hiệu vi phạm pháp luật hình sự, đề nghị ông/bà trình báo Công an nơi xảy "
     "ra sự việc để được tiếp nhận theo quy định."),
]
REOPEN_REASONS = ["Vấn đề vẫn chưa được giải quyết.", "Tôi chưa nhận được kết quả như đơn vị trả lời."]
RATING_COMMENTS = ["", "", "Cảm ơn đơn vị.", "Giải quyết nhanh, cán bộ nhiệt tình.", "Trả lời chưa rõ."]

# Prefixes for the local branches of a member unit, by the member unit's code.
BRANCH_PREFIX = {
    "THUE": ("Thuế cơ sở", "Local tax office"),
    "BHXH": ("Bảo hiểm xã hội cơ sở", "Local social insurance office"),
    "KBNN": ("Phòng giao dịch Kho bạc", "Treasury office"),
    "HQ": ("Đội Hải quan", "Customs team"),
    "LDLD": ("Công đoàn cơ sở", "Local trade union"),
    "HLHPN": ("Hội Phụ nữ", "Women's union"),
    "DOAN": ("Đoàn Thanh niên", "Youth union"),
    "HND": ("Hội Nông dân", "Farmers' union"),
    "MTTQ": ("Ủy ban MTTQ", "Fatherland Front committee"),
}


def texts_for(category_code: str) -> list[tuple[str, str]]:
    """Title and description pairs that fit a category (generic ones for unknown categories)."""
    own = [(title, description) for _kind, title, description in CASE_TEXTS.get(category_code, [])]
    return own + GENERIC_TEXTS
