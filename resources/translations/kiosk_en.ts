<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CaptureScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="72" />
        <source>放好收据</source>
        <translation>Place the receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="73" />
        <source>把医院的收据或发票正面朝上放好。</source>
        <translation>Lay the hospital receipt or invoice face up.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="74" />
        <source>从U盘或文件导入</source>
        <translation>Import from a USB stick or file</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="75" />
        <source>使用示例收据（演示）</source>
        <translation>Use the sample receipt (demo)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="76" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="77" />
        <source>拍照</source>
        <translation>Take the picture</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="92" />
        <source>正在读取收据，请稍等……</source>
        <translation>Reading the receipt, please wait…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="106" />
        <source>选择收据图片</source>
        <translation>Choose a receipt picture</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="107" />
        <source>图片或PDF</source>
        <translation>Pictures or PDF</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="37" />
        <source>已经提交了</source>
        <translation>Your claim is in</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="38" />
        <source>您的报销单号是：</source>
        <translation>Your claim number is:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="40" />
        <source>接下来：机器联网后会把材料送到县医保局。审核大约需要两到四周，钱会打到您的社保卡上。想知道进度，可以回到首页点“查询进度”，输入身份证号码就能看到。</source>
        <translation>Next: when the kiosk is online it sends your papers to the county insurance office. The review takes two to four weeks; the money goes to your social security card. To see how it is going, tap “My claims” on the first screen and enter your ID number.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="43" />
        <source>完成，回到首页</source>
        <translation>Done, back to the start</translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="80" />
        <source>您还在吗？</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="81" />
        <source>{s}秒后回到首页，您刚才输入的信息会被清除。</source>
        <translation>In {s} seconds the kiosk goes back to the start and forgets what you entered.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="83" />
        <source>我还在，继续</source>
        <translation>I'm here, continue</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="60" />
        <source>删除一位</source>
        <translation>Delete one character</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="63" />
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="125" />
        <source>医保报销自助机</source>
        <translation>Medical insurance reimbursement kiosk</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="217" />
        <source>协理员登录还在准备中，请先用“我要报销”。</source>
        <translation>Assistant sign-in is not ready yet; please use “File a claim”.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="232" />
        <source>现在查不到，请叫工作人员帮忙。</source>
        <translation>Cannot look this up now; please ask the staff.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="309" />
        <source>读收据的程序出了问题，请叫技术员。</source>
        <translation>The receipt reader has a problem; please call the technician.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="340" />
        <source>这张收据已经报过了（在报销单 {n} 里），不能重复报销。</source>
        <translation>This receipt was already claimed (claim {n}); it cannot be claimed twice.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="344" />
        <source>机器的存储空间满了，请叫技术员。</source>
        <translation>The kiosk's storage is full; please call the technician.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="348" />
        <source>没能保存，请叫工作人员帮忙。</source>
        <translation>Could not save; please ask the staff.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="374" />
        <source>报销单</source>
        <translation>Claims</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="375" />
        <source>读图引擎</source>
        <translation>OCR engine</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="375" />
        <source>已就绪</source>
        <translation>ready</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="375" />
        <source>正在加载</source>
        <translation>loading</translation>
    </message>
</context>
<context>
    <name>ResidentIdScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="59" />
        <source>请输入身份证号码</source>
        <translation>Enter your ID-card number</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="60" />
        <source>一共18位，在身份证背面最下面一行</source>
        <translation>18 characters, the bottom line on the back of the card</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="61" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="62" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="85" />
        <source>号码还不够18位，已输入{n}位。</source>
        <translation>The number needs 18 characters; {n} entered so far.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="88" />
        <source>这个号码不对，请和身份证对照，再看一遍。</source>
        <translation>This number is not right. Please compare it with the card again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="99" />
        <source>已输入{n}位</source>
        <translation>{n} characters entered</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="97" />
        <source>请核对收据上的内容</source>
        <translation>Please check what was read</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="98" />
        <source>医院</source>
        <translation>Hospital</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="99" />
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="100" />
        <source>总金额</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="101" />
        <source>预计可以报销</source>
        <translation>Estimated refund</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="102" />
        <source>黄色的地方没有看清楚，请协理员核对。</source>
        <translation>Yellow fields were hard to read; the assistant should check them.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="103" />
        <source>重新拍</source>
        <translation>Retake</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="104" />
        <source>再加一张收据</source>
        <translation>Add another receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="105" />
        <source>没错，提交</source>
        <translation>Correct, submit</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="113" />
        <source>共{n}张收据</source>
        <translation>{n} receipts</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="115" />
        <source>没有读到</source>
        <translation>not read</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="120" />
        <location filename="../../kiosk/ui/screens/review.py" line="125" />
        <source>{amount} 元</source>
        <translation>¥{amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="126" />
        <source>暂时算不出</source>
        <translation>cannot be estimated yet</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="131" />
        <source>报销金额要等县医保局审核后确定。</source>
        <translation>The county insurance office sets the final amount.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="141" />
        <source>（按示例政策估算，以县医保局审核为准）</source>
        <translation>(estimated with the example policy; the county's review decides)</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="90" />
        <source>技术员设置</source>
        <translation>Technician settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="91" />
        <source>请输入技术员密码（至少6位数字）</source>
        <translation>Enter the technician PIN (at least 6 digits)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="92" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="93" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="94" />
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="95" />
        <source>退出程序（技术员维护）</source>
        <translation>Quit the app (maintenance)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="96" />
        <source>回到首页</source>
        <translation>Back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="111" />
        <source>已输入{n}位</source>
        <translation>{n} characters entered</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="127" />
        <source>密码错误次数太多，请{m}分钟后再试。</source>
        <translation>Too many wrong PINs. Try again in {m} minutes.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings.py" line="129" />
        <source>密码不对，还可以试{n}次。</source>
        <translation>Wrong PIN. {n} tries left.</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="46" />
        <source>医保报销自助机</source>
        <translation>Medical insurance reimbursement kiosk</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="47" />
        <source>请点一下您要办的事</source>
        <translation>Tap what you would like to do</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="48" />
        <source>我要报销</source>
        <translation>File a claim</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="49" />
        <source>查询进度</source>
        <translation>My claims</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="50" />
        <source>协理员登录</source>
        <translation>Assistant sign-in</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="51" />
        <location filename="../../kiosk/ui/screens/start.py" line="52" />
        <source>技术员设置</source>
        <translation>Technician settings</translation>
    </message>
</context>
<context>
    <name>StatusScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="37" />
        <source>我的报销</source>
        <translation>My claims</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="38" />
        <source>这台机器上没有找到您的报销单。</source>
        <translation>No claims of yours on this kiosk.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="39" />
        <source>回到首页</source>
        <translation>Back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="43" />
        <source>还没提交</source>
        <translation>not submitted</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="44" />
        <location filename="../../kiosk/ui/screens/status.py" line="45" />
        <source>等待联网发送</source>
        <translation>waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="46" />
        <source>正在发送</source>
        <translation>sending</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="47" />
        <source>县医保局已收到</source>
        <translation>received by the county</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="48" />
        <source>正在审核</source>
        <translation>under review</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="49" />
        <source>审核通过，等待打款</source>
        <translation>approved, payment coming</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="50" />
        <source>被退回，请找协理员</source>
        <translation>returned, please see the assistant</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="51" />
        <source>已打款</source>
        <translation>paid</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="52" />
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="60" />
        <source>{amount} 元</source>
        <translation>¥{amount}</translation>
    </message>
</context>
<context>
    <name>TroubleScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/trouble.py" line="33" />
        <source>回到首页</source>
        <translation>Back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/trouble.py" line="37" />
        <source>没能办成</source>
        <translation>That did not work</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/trouble.py" line="42" />
        <source>机器出了点问题</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/trouble.py" line="43" />
        <source>这不是您的错。请叫工作人员或技术员来看一下。</source>
        <translation>It is not your fault. Please call the staff or the technician.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/trouble.py" line="44" />
        <source>给技术员看的编号：{ref}</source>
        <translation>Reference for the technician: {ref}</translation>
    </message>
</context>
</TS>