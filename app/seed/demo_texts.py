"""What the demo's citizens write and where they live: shared by the demo, its past
campaigns and the bulk generator."""

WARDS = ["Phường Sài Gòn", "Phường Bến Thành", "Phường Tân Định", "Phường Bình Thạnh",
         "Phường Gia Định", "Phường Thủ Đức", "Phường Chợ Lớn", "Xã Củ Chi", "Phường Gò Vấp"]

# kind, title, description. Many questions citizens send are in fact requests for guidance.
CASE_TEXTS = {
    "THUE": [
        ("phan_anh", "Chưa nhận được hoàn thuế thu nhập cá nhân",
         "Tôi nộp hồ sơ hoàn thuế TNCN năm 2025 từ tháng 3 nhưng đến nay chưa nhận được tiền."),
        ("phan_anh", "Không tra cứu được thông tin thuế bằng số định danh cá nhân",
         "Trang tra cứu báo lỗi khi tôi nhập số định danh cá nhân trên thẻ căn cước."),
        ("hoi_dap", "Hướng dẫn kê khai thuế cho hộ kinh doanh",
         "Hộ kinh doanh nhỏ tại chợ không còn nộp thuế khoán, xin hướng dẫn cách kê khai mới."),
        ("phan_anh", "Hóa đơn điện tử bị từ chối",
         "Hóa đơn điện tử của công ty bị hệ thống từ chối cấp mã, không rõ lý do."),
        ("khieu_nai", "Khiếu nại quyết định xử phạt chậm nộp tờ khai",
         "Tôi không đồng ý với quyết định xử phạt chậm nộp tờ khai quý III vì đã nộp đúng hạn "
         "qua cổng điện tử; đề nghị xem xét lại quyết định."),
        ("hoi_dap", "Hỏi về giảm trừ gia cảnh cho người phụ thuộc",
         "Xin hỏi mẹ tôi đã nghỉ hưu có được đăng ký là người phụ thuộc để giảm trừ gia cảnh không."),
    ],
    "BHXH": [
        ("phan_anh", "Chậm chốt sổ bảo hiểm xã hội",
         "Công ty cũ chưa chốt sổ BHXH cho tôi sau 3 tháng nghỉ việc."),
        ("phan_anh", "Thẻ BHYT của con chưa được gia hạn",
         "Thẻ bảo hiểm y tế học sinh của con tôi hết hạn nhưng chưa được cấp thẻ mới."),
        ("hoi_dap", "Hỏi về mức lương hưu",
         "Tôi đóng BHXH 22 năm, xin hỏi cách tính lương hưu khi nghỉ năm 2027."),
        ("to_cao", "Tố cáo cán bộ gợi ý chi tiền để giải quyết nhanh",
         "Khi nộp hồ sơ hưởng trợ cấp một lần, tôi được một cán bộ tiếp nhận gợi ý chi tiền để "
         "hồ sơ được giải quyết nhanh; tôi có ghi lại thời gian, địa điểm."),
    ],
    "KHOBAC": [
        ("phan_anh", "Chậm thanh toán tiền bồi thường",
         "Khoản bồi thường giải phóng mặt bằng đã duyệt nhưng kho bạc chưa chi."),
    ],
    "HAIQUAN": [
        ("phan_anh", "Hàng nhập khẩu bị giữ lâu",
         "Lô hàng linh kiện của doanh nghiệp bị giữ tại cảng hơn 10 ngày chưa thông quan."),
        ("hoi_dap", "Hỏi thủ tục nhập khẩu quà biếu",
         "Người thân gửi quà từ nước ngoài về, xin hỏi giá trị bao nhiêu thì được miễn thuế."),
    ],
    "LAODONG": [
        ("phan_anh", "Công ty nợ lương công nhân",
         "Công ty may nơi tôi làm nợ lương 2 tháng, công đoàn cơ sở chưa lên tiếng."),
        ("hoi_dap", "Không được ký hợp đồng lao động",
         "Tôi làm việc 8 tháng mà công ty vẫn chưa ký hợp đồng lao động, xin hỏi tôi cần làm gì."),
    ],
    "PHUNU": [
        ("hoi_dap", "Đề nghị hỗ trợ phụ nữ đơn thân",
         "Xin thông tin về chương trình hỗ trợ vốn cho phụ nữ đơn thân nuôi con nhỏ."),
    ],
    "KHAC": [
        ("phan_anh", "Ngập nước kéo dài sau mưa",
         "Đoạn đường trước nhà tôi ngập nước sâu mỗi khi mưa lớn, xe máy chết máy."),
        ("phan_anh", "Đèn đường hư hỏng",
         "Đèn đường trong hẻm tối om gần một tháng nay, người dân đi lại nguy hiểm."),
        ("kien_nghi", "Kiến nghị bố trí thêm chỗ ngồi chờ tại bộ phận một cửa",
         "Người cao tuổi phải đứng chờ lâu khi làm thủ tục; kiến nghị bố trí thêm ghế và số thứ tự."),
    ],
}

CITIZEN_NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung",
                 "Hoàng Văn Em", "Vũ Thị Giang", "Đặng Quốc Huy", "Bùi Thị Lan"]
