<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AssistantHomeScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="194" />
        <source>{name}，您好</source>
        <translation>Hello, {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="195" />
        <source>协理员</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="196" />
        <source>为下一位居民报销</source>
        <translation>Start the next resident's claim</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="197" />
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="198" />
        <source>今天还没有办理报销单。</source>
        <translation>No claims filed today yet.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="210" />
        <source>县医保局不收这份，已暂停发送：请叫技术员</source>
        <translation>The county refused this one; sending is paused: please call the technician</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="212" />
        <source>没有写原因</source>
        <translation>no reason given</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="213" />
        <source>被退回：{reason}</source>
        <translation>Returned: {reason}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="215" />
        <source>还没提交</source>
        <translation>not submitted</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="216" />
        <location filename="../../kiosk/ui/screens/assistant.py" line="217" />
        <source>等待联网发送</source>
        <translation>waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="218" />
        <location filename="../../kiosk/ui/screens/assistant.py" line="263" />
        <source>正在发送</source>
        <translation>sending</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="219" />
        <source>已送到县医保局</source>
        <translation>Delivered to the county</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="220" />
        <source>县医保局正在审核</source>
        <translation>The county is reviewing it</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="221" />
        <source>审核通过，等待打款</source>
        <translation>approved, payment coming</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="222" />
        <source>已打款</source>
        <translation>paid</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="223" />
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="229" />
        <source>身份证尾号{tail}</source>
        <translation>ID ending {tail}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="230" />
        <source>{n}张收据</source>
        <translation>{n} receipt(s)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="231" />
        <source>{amount}元</source>
        <translation>{amount} yuan</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="243" />
        <source>今天办理的报销单：{n}份</source>
        <translation>Claims filed today: {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="251" />
        <source>这台机器还没有连上县医保局，报销单先存在机器里。请技术员登记设备。</source>
        <translation>This kiosk is not connected to the county yet; claims are kept on the kiosk. Please ask the technician to enrol it.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="254" />
        <source>县医保局不接受这台机器，请叫技术员</source>
        <translation>The county does not accept this kiosk: please call the technician</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="256" />
        <source>正在连接县医保局</source>
        <translation>Connecting to the county</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="258" />
        <source>已联网</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="260" />
        <source>没有联网，联网后会自动发送</source>
        <translation>Offline: claims are sent automatically when the network is back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="264" />
        <source>{n}份等待发送</source>
        <translation>{n} waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="267" />
        <source>上次和县医保局同步：{at}</source>
        <translation>last contact with the county: {at}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="269" />
        <source>{n}份被县医保局拒收，请叫技术员</source>
        <translation>{n} refused by the county: please call the technician</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="270" />
        <source>，</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>AssistantMode</name>
    <message>
        <location filename="../../kiosk/ui/assistant_mode.py" line="189" />
        <source>没能添加：工号要是数字，姓名不能空，密码至少6位数字。</source>
        <translation>Not added: the work number must be digits, the name not empty, the PIN at least 6 digits.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/assistant_mode.py" line="194" />
        <source>已添加：{code} {name}</source>
        <translation>Added: {code} {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/assistant_mode.py" line="207" />
        <source>已删除工号 {code}。</source>
        <translation>Work number {code} removed.</translation>
    </message>
</context>
<context>
    <name>AssistantSignInScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="59" />
        <source>协理员登录</source>
        <translation>Assistant sign-in</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="61" />
        <source>请输入您的工号</source>
        <translation>Enter your work number</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="63" />
        <source>工号 {code}：请输入密码</source>
        <translation>Work number {code}: enter your PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="64" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="65" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="120" />
        <source>已输入{n}位</source>
        <translation>{n} digits entered</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="131" />
        <source>没有这个工号，或者这台机器上还没有给您开通。请再输一次工号。</source>
        <translation>There is no such work number, or it has not been set up on this kiosk. Please enter the work number again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="134" />
        <source>密码错误次数太多，这个工号锁定了。请{m}分钟后再试。</source>
        <translation>Too many wrong PINs: this work number is locked. Please try again in {m} minutes.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant.py" line="136" />
        <source>密码不对，还可以试{n}次。</source>
        <translation>Wrong PIN. {n} tries left.</translation>
    </message>
</context>
<context>
    <name>AssistantsAdminScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="102" />
        <source>协理员账号</source>
        <translation>Assistant accounts</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="103" />
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="106" />
        <source>添加协理员</source>
        <translation>Add an assistant</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="105" />
        <source>← 返回设置</source>
        <translation>← Back to settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="107" />
        <source>← 上一步</source>
        <translation>← Previous step</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="108" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="108" />
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="110" />
        <source>第1步：输入工号（数字）</source>
        <translation>Step 1: the work number (digits)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="111" />
        <source>第2步：输入姓名</source>
        <translation>Step 2: the name</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="112" />
        <source>第3步：设一个密码（至少{n}位数字）</source>
        <translation>Step 3: choose a PIN (at least {n} digits)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="113" />
        <source>第4步：把密码再输一次</source>
        <translation>Step 4: the PIN once more</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="117" />
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="131" />
        <source>还没有协理员账号。</source>
        <translation>No assistant accounts yet.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="135" />
        <source>删除选中的</source>
        <translation>Remove the selected one</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="136" />
        <source>再点一次，确认删除</source>
        <translation>Tap again to confirm removal</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="148" />
        <source>请先点一下要删除的协理员。</source>
        <translation>First tap the assistant to remove.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="199" />
        <source>已输入{n}位</source>
        <translation>{n} digits entered</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="208" />
        <source>请输入工号。</source>
        <translation>Please enter the work number.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="210" />
        <source>这个工号已经有了。</source>
        <translation>This work number already exists.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="214" />
        <source>请输入姓名。</source>
        <translation>Please enter the name.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="218" />
        <source>密码至少要{n}位数字。</source>
        <translation>The PIN needs at least {n} digits.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/assistant_admin.py" line="223" />
        <source>两次输入的密码不一样，请重新设密码。</source>
        <translation>The two PINs differ; please choose the PIN again.</translation>
    </message>
</context>
<context>
    <name>CameraSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="94" />
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="98" />
        <source>查找摄像头</source>
        <translation>Find cameras</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="99" />
        <source>停止测试</source>
        <translation>Stop the test</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="99" />
        <source>测试画面</source>
        <translation>Test the picture</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="133" />
        <source>没有找到摄像头。</source>
        <translation>No camera found.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="160" />
        <source>正在打开摄像头……</source>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="180" />
        <source>摄像头正常：{w}×{h}</source>
        <translation>The camera works: {w}×{h}</translation>
    </message>
</context>
<context>
    <name>CaptureScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="77" />
        <source>放好收据</source>
        <translation>Place the receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="79" />
        <source>从U盘导入</source>
        <translation>Import from a USB stick</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="99" />
        <source>把医院的收据或发票正面朝上放好。</source>
        <translation>Lay the hospital receipt or invoice face up.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="80" />
        <source>使用示例收据（演示）</source>
        <translation>Use the sample receipt (demo)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="81" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="82" />
        <source>拍照</source>
        <translation>Take the picture</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="88" />
        <source>已有{n}张收据</source>
        <translation>{n} receipt(s) so far</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="101" />
        <source>请点下面的按钮，从U盘导入收据的照片或PDF；没有U盘，请协理员帮忙。</source>
        <translation>Tap the button below to import photos or PDFs of the receipts from a USB stick; without one, ask the assistant.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/capture.py" line="119" />
        <source>正在读取收据，请稍等……</source>
        <translation>Reading the receipt, please wait…</translation>
    </message>
</context>
<context>
    <name>ClaimScreens</name>
    <message>
        <location filename="../../kiosk/ui/claim_screens.py" line="211" />
        <source>现在查不到，请叫工作人员帮忙。</source>
        <translation>Cannot look this up now; please ask the staff.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/claim_screens.py" line="272" />
        <source>没能读取这张图片，请叫工作人员帮忙。</source>
        <translation>This picture could not be read; please ask the staff.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/claim_screens.py" line="289" />
        <source>读收据的程序出了问题，请叫技术员。</source>
        <translation>The receipt reader has a problem; please call the technician.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/claim_screens.py" line="384" />
        <source>这张收据已经报过了（在报销单 {n} 里），不能重复报销。</source>
        <translation>This receipt was already claimed (claim {n}); it cannot be claimed twice.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/claim_screens.py" line="387" />
        <source>机器的存储空间满了，请叫技术员。</source>
        <translation>The kiosk's storage is full; please call the technician.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/claim_screens.py" line="390" />
        <source>没能保存，请叫工作人员帮忙。</source>
        <translation>Could not save; please ask the staff.</translation>
    </message>
</context>
<context>
    <name>CorrectionPanel</name>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="216" />
        <source>← 不改了</source>
        <translation>← Leave it</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="217" />
        <source>改好了</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="218" />
        <source>或者点下面的医院：</source>
        <translation>Or choose a hospital below:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="219" />
        <source>没有找到，请换几个字母试试</source>
        <translation>Nothing found. Try other letters.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="221" />
        <location filename="../../kiosk/ui/screens/correct.py" line="306" />
        <location filename="../../kiosk/ui/screens/correct.py" line="328" />
        <location filename="../../kiosk/ui/screens/correct.py" line="381" />
        <source>{c}类</source>
        <translation>Class {c}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="224" />
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="232" />
        <source>原来读到：{v}</source>
        <translation>Read as: {v}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="260" />
        <location filename="../../kiosk/ui/screens/correct.py" line="320" />
        <location filename="../../kiosk/ui/screens/correct.py" line="351" />
        <source>{amount} 元</source>
        <translation>{amount} yuan</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="300" />
        <source>改第{n}项</source>
        <translation>Change item {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="302" />
        <source>名称：{v}</source>
        <translation>Name: {v}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="303" />
        <source>金额：{v} 元</source>
        <translation>Amount: {v} yuan</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="305" />
        <source>类别：{v}</source>
        <translation>Class: {v}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="306" />
        <source>没有印</source>
        <translation>not printed</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="312" />
        <source>输入药品或项目名称的拼音首字母</source>
        <translation>Type the pinyin initials of the drug or item</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="319" />
        <source>输入这一项的金额</source>
        <translation>Enter this item's amount</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="327" />
        <source>这一项是哪一类？</source>
        <translation>Which class is this item?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/correct.py" line="340" />
        <source>____年__月__日</source>
        <translation>year-month-day</translation>
    </message>
</context>
<context>
    <name>DarkCover</name>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="169" />
        <location filename="../../kiosk/ui/idle.py" line="189" />
        <source>夜间熄屏：轻触屏幕点亮</source>
        <translation>Screen dark for the night: touch to light it</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="44" />
        <source>查进度的二维码</source>
        <translation>QR code to check the claim</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="76" />
        <source>已经提交了</source>
        <translation>Your claim is in</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="77" />
        <source>您的报销单号是：</source>
        <translation>Your claim number is:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="79" />
        <source>接下来：机器联网后会把材料送到县医保局。审核大约需要两到四周，钱会打到您的社保卡上。想知道进度，可以回到首页点“查询进度”，输入身份证号码就能看到。</source>
        <translation>Next: when the kiosk is online it sends your papers to the county insurance office. The review takes two to four weeks; the money goes to your social security card. To see how it is going, tap “My claims” on the first screen and enter your ID number.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="82" />
        <source>再打印一张</source>
        <translation>Print another slip</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="83" />
        <source>完成，回到首页</source>
        <translation>Done, back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="102" />
        <location filename="../../kiosk/ui/screens/done.py" line="135" />
        <source>这台机器不打印小票。</source>
        <translation>This kiosk prints no slips. </translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="114" />
        <source>正在打印小票……</source>
        <translation>Printing the slip…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="131" />
        <source>小票没有打印出来。</source>
        <translation>The slip did not print. </translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="133" />
        <source>没有找到打印机，小票没有打印。</source>
        <translation>No printer was found; no slip was printed. </translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="144" />
        <source>请用手机拍下旁边的二维码，以后在自助机上扫它就能查进度；也可以记下上面的报销单号。没有手机、没有笔也没关系：协理员用您的身份证号码就能查到这份报销单。</source>
        <translation>Take a photo of the QR code with a phone: scanned at the kiosk later it shows how the claim is going. You can also write down the claim number above. No phone or pen? The assistant can find this claim with your ID number.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="138" />
        <source>请拿好打印出来的小票。</source>
        <translation>Please take the printed slip.</translation>
    </message>
</context>
<context>
    <name>FirstStartScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="230" />
        <source>首次设置</source>
        <translation>First start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="232" />
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="275" />
        <source>← 上一步</source>
        <translation>← Previous</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="273" />
        <source>第{n}步，共{m}步</source>
        <translation>Step {n} of {m}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="276" />
        <source>← 回到设置</source>
        <translation>← Back to settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="278" />
        <source>确定以后再登记</source>
        <translation>Yes, enrol later</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="279" />
        <source>以后再登记</source>
        <translation>Enrol later</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="280" />
        <source>完成，开始使用</source>
        <translation>Done, start the kiosk</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="281" />
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="312" />
        <source>请先登记本机，或者选“以后再登记”。</source>
        <translation>Enrol this kiosk first, or choose “Enrol later”.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="318" />
        <source>不登记也能收报销单，但它们会先存在本机排队，等登记好、连上县服务器以后才送到县里。确定要以后再登记吗？</source>
        <translation>Claims can be filed without enrolment, but they wait in this kiosk's queue and go to the county only once it is enrolled and reaches the county server. Enrol later?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="368" />
        <source>没能记下这一步（{why}），请叫技术员检查磁盘。</source>
        <translation>This step could not be recorded ({why}); please check the disk.</translation>
    </message>
</context>
<context>
    <name>GeneralSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="122" />
        <source>屏幕与声音</source>
        <translation>Screen and sound</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="126" />
        <source>开</source>
        <translation>On</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="126" />
        <source>关</source>
        <translation>Off</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="127" />
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="128" />
        <source>无人操作多少秒后提醒（10–3600秒，立即生效）</source>
        <translation>Seconds without a touch before the warning (10–3600, applies at once)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="129" />
        <source>提醒后再过多少秒清空并回到首页（5–300秒）</source>
        <translation>Seconds after the warning before the kiosk clears and goes back to the start (5–300)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="130" />
        <source>语音提示</source>
        <translation>Voice prompts</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="131" />
        <source>音量（0–100）</source>
        <translation>Volume (0–100)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="133" />
        <source>县里受理后，照片和个人信息在本机保留多少天（1–3650天）</source>
        <translation>Days photos and personal details stay on the kiosk after the county accepts a claim (1–3650)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="134" />
        <source>打印回执</source>
        <translation>Print a slip</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="135" />
        <source>回执纸宽（毫米）</source>
        <translation>Slip paper width (mm)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="136" />
        <source>打印机名称（空着：系统默认；pdf：存成PDF文件）</source>
        <translation>Printer name (empty: the system default; pdf: save as PDF files)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="137" />
        <source>身份证读卡器命令（空着：没有读卡器，重启后生效）</source>
        <translation>ID-card reader command (empty: no reader; applies after restart)</translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="139" />
        <source>您还在吗？</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="150" />
        <source>{s}秒后回到首页，您刚才输入的信息会被清除。</source>
        <translation>In {s} seconds the kiosk goes back to the start and forgets what you entered.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/idle.py" line="140" />
        <source>我还在，继续</source>
        <translation>I'm here, continue</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="248" />
        <source>删除一位</source>
        <translation>Delete one character</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="251" />
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>LanguageSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="68" />
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="73" />
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="72" />
        <source>机器上的字用哪种语言？选好马上就换，以后可以在⚙里改。</source>
        <translation>Which language should the kiosk show? It changes at once; you can change it later under ⚙.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="83" />
        <source>医保报销自助机</source>
        <translation>Medical insurance reimbursement kiosk</translation>
    </message>
</context>
<context>
    <name>MaintenanceSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="107" />
        <source>维护</source>
        <translation>Upkeep</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="111" />
        <source>把日志导出到U盘</source>
        <translation>Export the logs to a USB stick</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="112" />
        <source>更改技术员密码</source>
        <translation>Change the technician PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="113" />
        <source>管理协理员</source>
        <translation>Manage assistants</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="114" />
        <source>退出程序（技术员维护）</source>
        <translation>Quit the app (technician maintenance)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="115" />
        <source>自检</source>
        <translation>Self-test</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="116" />
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="144" />
        <source>正在自检……</source>
        <translation>Self-test running…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="117" />
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="152" />
        <source>现在自检</source>
        <translation>Run the self-test now</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="145" />
        <source>正在自检，可能要一两分钟。其他设置可以照常用。</source>
        <translation>The self-test is running; it may take a minute or two. The other settings work meanwhile.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="167" />
        <source>自检没能做完：{why}</source>
        <translation>The self-test could not finish: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="172" />
        <source>识别引擎</source>
        <translation>OCR engine</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="172" />
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="173" />
        <source>磁盘空间</source>
        <translation>Disk space</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="173" />
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="174" />
        <source>扫描仪</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="174" />
        <source>时钟</source>
        <translation>Clock</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="175" />
        <source>上传队列</source>
        <translation>Upload queue</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="186" />
        <source>自检记录读不出来（文件坏了）。请点“现在自检”。</source>
        <translation>The self-test record cannot be read (the file is damaged). Tap “Run the self-test now”.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="187" />
        <source>从没做过自检。</source>
        <translation>The self-test has never run.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="192" />
        <source>时间不明</source>
        <translation>time unknown</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="197" />
        <source>上次自检：{when}，全部通过（{n}项）。</source>
        <translation>Last self-test: {when}: passed (all of its {n} checks).</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="200" />
        <source>上次自检：{when}，没有通过：{n}项有问题。</source>
        <translation>Last self-test: {when}: failed ({n} of the checks found a problem).</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="203" />
        <source>已经两天多没有自检了：每天的自动自检可能没有运行。</source>
        <translation>No self-test for more than two days: the daily self-test may not be running.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="205" />
        <source>结果没能记下来：{why}</source>
        <translation>The result could not be recorded: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="208" />
        <source>{name}：{why}</source>
        <translation>{name}: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="220" />
        <source>正在导出……</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="227" />
        <source>没有找到U盘。请插上U盘，等几秒再试。</source>
        <translation>No USB stick found. Plug one in, wait a few seconds and try again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="230" />
        <source>没能写到U盘（可能满了或是只读的）：{why}</source>
        <translation>Could not write to the USB stick (full or read-only?): {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/maintenance.py" line="236" />
        <source>已导出到U盘：{name}
现在可以拔下U盘。</source>
        <translation>Exported to the USB stick: {name}
You can unplug it now.</translation>
    </message>
</context>
<context>
    <name>NumberRow</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/fields.py" line="110" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/fields.py" line="111" />
        <source>减少</source>
        <translation>Less</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/fields.py" line="112" />
        <source>增加</source>
        <translation>More</translation>
    </message>
</context>
<context>
    <name>OcrSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="176" />
        <location filename="../../kiosk/ui/screens/settings/general.py" line="181" />
        <source>识别引擎</source>
        <translation>OCR engine</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="180" />
        <source>这里的改动重启后生效。</source>
        <translation>Changes here apply after a restart.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="183" />
        <source>每个引擎的线程数（0 = 自动，最多16）</source>
        <translation>Threads per engine (0 = automatic, at most 16)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="184" />
        <source>检测时图片的最长边（320–4096像素）</source>
        <translation>Longest image side for text detection (320–4096 px)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="185" />
        <source>同时识别几张（1–16）</source>
        <translation>Receipts read at the same time (1–16)</translation>
    </message>
</context>
<context>
    <name>OverviewSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="42" />
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="46" />
        <source>配置文件</source>
        <translation>Configuration file</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="54" />
        <source>草稿</source>
        <translation>draft</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="54" />
        <source>已确认</source>
        <translation>confirmed</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="55" />
        <source>等待上传</source>
        <translation>waiting to upload</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="55" />
        <source>正在上传</source>
        <translation>uploading</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="56" />
        <source>县里已受理</source>
        <translation>accepted by the county</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="56" />
        <source>县里审核中</source>
        <translation>in review at the county</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="57" />
        <source>已批准</source>
        <translation>approved</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="57" />
        <source>被退回</source>
        <translation>returned</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="58" />
        <source>已支付</source>
        <translation>paid</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="58" />
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="66" />
        <source>数据目录</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="68" />
        <source>报销单数据库</source>
        <translation>Claim database</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="71" />
        <source>，已就绪</source>
        <translation>, ready</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="72" />
        <source>，正在加载</source>
        <translation>, loading</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="73" />
        <source>读图引擎</source>
        <translation>OCR engine</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="76" />
        <source>无人操作时</source>
        <translation>When nobody touches the screen</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="77" />
        <source>{a}秒后提醒，再过{b}秒清空并回到首页</source>
        <translation>a reminder after {a} s, cleared and back to the start {b} s later</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="80" />
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="81" />
        <source>{state}{n}份</source>
        <translation>{state}: {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="82" />
        <source>还没有</source>
        <translation>none yet</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/general.py" line="83" />
        <source>本机的报销单</source>
        <translation>Claims on this kiosk</translation>
    </message>
</context>
<context>
    <name>PinGate</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="56" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="67" />
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="83" />
        <source>技术员设置</source>
        <translation>Technician settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="68" />
        <source>请输入技术员密码（至少6位数字）</source>
        <translation>Enter the technician PIN (at least 6 digits)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="65" />
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="69" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="62" />
        <source>首次设置</source>
        <translation>First start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="63" />
        <source>这台机器刚装好，还要设置才能用。请技术员输入安装时屏幕上显示的技术员密码。</source>
        <translation>This kiosk was just installed and must be set up before use. Technician: enter the technician PIN the installer showed on the console.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="71" />
        <source>设置技术员密码</source>
        <translation>Set the technician PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="73" />
        <source>这台机器还没有技术员密码。请设一个{a}到{b}位的数字密码，不要用123456或111111这样好猜的。</source>
        <translation>This kiosk has no technician PIN yet. Choose one of {a} to {b} digits; nothing easy to guess like 123456 or 111111.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="75" />
        <source>请再输入一次同样的密码。</source>
        <translation>Enter the same PIN again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="76" />
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="81" />
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="76" />
        <source>设为密码</source>
        <translation>Set PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="78" />
        <source>更改技术员密码</source>
        <translation>Change the technician PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="79" />
        <source>请输入现在的密码。</source>
        <translation>Enter the current PIN.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="79" />
        <source>请输入新密码。</source>
        <translation>Enter the new PIN.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="80" />
        <source>请再输入一次新密码。</source>
        <translation>Enter the new PIN again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="81" />
        <source>更改密码</source>
        <translation>Change PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="84" />
        <source>这台机器还没有技术员密码。请在机器的维护终端上运行“kiosk pin set”设置密码，然后再来。</source>
        <translation>This kiosk has no technician PIN. Set one on the kiosk's maintenance console with “kiosk pin set”, then come back.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/gate.py" line="126" />
        <source>已输入{n}位</source>
        <translation>{n} digits entered</translation>
    </message>
</context>
<context>
    <name>QueryOp</name>
    <message>
        <location filename="../../kiosk/ui/operations.py" line="79" />
        <source>没能完成，请叫工作人员帮忙。</source>
        <translation>That did not work; please ask the staff.</translation>
    </message>
</context>
<context>
    <name>QueueSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="75" />
        <source>上传队列</source>
        <translation>Upload queue</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="79" />
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="80" />
        <source>测试网络</source>
        <translation>Test the network</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="101" />
        <source>本机还没有登记到县服务器，报销单先存在本机。</source>
        <translation>This kiosk is not enrolled with a county server; claims are kept here for now.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="104" />
        <source>正在连接县服务器……</source>
        <translation>Connecting to the county server…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="106" />
        <source>已连上县服务器。</source>
        <translation>Connected to the county server.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="108" />
        <source>现在连不上县服务器，报销单先存在本机，网络好了会自动上传。</source>
        <translation>The county server cannot be reached now; claims are kept here and go out by themselves when the network is back.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="110" />
        <source>上次成功：{t}</source>
        <translation>Last success: {t}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="129" />
        <source>等待上传 {n} 份，其中被县里退回待处理 {h} 份。</source>
        <translation>{n} claims waiting to upload; {h} of them held back by the county.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="130" />
        <source>没有等待上传的报销单。</source>
        <translation>No claims waiting to upload.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="139" />
        <source>报销单 {n}，{d} 张收据，合计 {t}</source>
        <translation>Claim {n}, {d} receipts, total {t}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="143" />
        <source>县里没有接收：{why}</source>
        <translation>Not accepted by the county: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="146" />
        <source>重试</source>
        <translation>Retry</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="164" />
        <source>已重新排队，马上再发一次。</source>
        <translation>Queued again; it is sent once more right away.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="167" />
        <source>这份报销单已经不在退回名单里了。</source>
        <translation>This claim is no longer held back.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="173" />
        <source>本机还没有登记到县服务器。</source>
        <translation>This kiosk is not enrolled with a county server.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="176" />
        <source>正在同步……</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="183" />
        <source>同步功能没有启动。</source>
        <translation>Syncing is not running.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="186" />
        <source>正在测试……</source>
        <translation>Testing…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="197" />
        <source>网络正常：{d}</source>
        <translation>The network works: {d}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/sync_queue.py" line="197" />
        <source>网络不通：{d}</source>
        <translation>No connection: {d}</translation>
    </message>
</context>
<context>
    <name>ResidentIdScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="201" />
        <source>请输入身份证号码</source>
        <translation>Enter your ID-card number</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="202" />
        <source>一共18位，在身份证有照片的那一面最下面一行</source>
        <translation>18 characters, the bottom line on the side of the ID card with the photo</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="203" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="204" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="205" />
        <source>输入号码</source>
        <translation>Type the number</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="205" />
        <source>扫码</source>
        <translation>Scan a code</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="206" />
        <source>扫医保电子凭证的二维码</source>
        <translation>Scan the QR code of the insurance e-voucher</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="207" />
        <source>刷身份证</source>
        <translation>Use the ID card reader</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="232" />
        <source>号码还不够18位，已输入{n}位。</source>
        <translation>The number needs 18 characters; {n} entered so far.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="235" />
        <source>这个号码不对，请和身份证对照，再看一遍。</source>
        <translation>This number is not right. Please compare it with the card again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="259" />
        <source>请把医保码对准摄像头</source>
        <translation>Hold the insurance code up to the camera</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="285" />
        <source>摄像头用不了，请输入身份证号码。</source>
        <translation>The camera is not working. Please type the ID number.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="312" />
        <source>正在读卡……</source>
        <translation>Reading the card…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/resident_id.py" line="339" />
        <source>已输入{n}位</source>
        <translation>{n} characters entered</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="312" />
        <source>请核对收据上的内容</source>
        <translation>Please check what was read</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="313" />
        <source>医院</source>
        <translation>Hospital</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="313" />
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="314" />
        <source>总金额</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="314" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="315" />
        <source>票据类型</source>
        <translation>Kind of paper</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="315" />
        <source>票据号码</source>
        <translation>Invoice number</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="316" />
        <source>票据代码</source>
        <translation>Invoice code</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="316" />
        <source>医保统筹支付</source>
        <translation>Paid by the insurance fund</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="317" />
        <source>个人账户支付</source>
        <translation>Paid from the personal account</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="317" />
        <source>个人现金支付</source>
        <translation>Paid in cash</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="318" />
        <source>其他支付</source>
        <translation>Other payments</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="320" />
        <source>修改</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="321" />
        <source>收费项目</source>
        <translation>Items charged</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="322" />
        <source>◀ 上一张</source>
        <translation>◀ Previous</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="323" />
        <source>下一张 ▶</source>
        <translation>Next ▶</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="324" />
        <source>重新拍这张</source>
        <translation>Take this one again</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="328" />
        <source>重新拍这一张</source>
        <translation>Take this one again</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="329" />
        <source>请协理员来帮忙</source>
        <translation>Ask the assistant for help</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="330" />
        <source>不要这一张，跳过</source>
        <translation>Leave this one out</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="331" />
        <source>← 返回核对</source>
        <translation>← Back to checking</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="332" />
        <source>收据的照片，点一下放大</source>
        <translation>The receipt's picture; tap to enlarge</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="391" />
        <source>第{i}张，共{n}张</source>
        <translation>Receipt {i} of {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="396" />
        <source>文件第{p}页</source>
        <translation>Page {p} of the file</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="406" />
        <location filename="../../kiosk/ui/screens/review.py" line="438" />
        <source>认不出</source>
        <translation>Not recognised</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="423" />
        <source>黄色的地方没有看清楚，请点“修改”核对。</source>
        <translation>The yellow parts were not read clearly: press 'Change' to check them.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="425" />
        <source>黄色的地方机器没有看清楚，协理员或县医保局会帮您核对，您可以先提交。</source>
        <translation>The machine could not read the yellow parts clearly. The assistant or the county insurance office will check them; you can submit now.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="434" />
        <source>门诊收费票据</source>
        <translation>Outpatient invoice</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="435" />
        <source>住院收费票据</source>
        <translation>Inpatient invoice</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="436" />
        <source>费用清单</source>
        <translation>Expense list</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="437" />
        <source>缴费凭条（不能单独报销）</source>
        <translation>Payment slip (cannot be claimed on its own)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="442" />
        <source>这一张机器认不出是看病的收据</source>
        <translation>The kiosk does not recognise this as a medical receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="444" />
        <source>机器没有在这张照片上找到医院的发票或费用清单。如果它是收据，请把它放平、放全再拍一次；不是收据的，请跳过它。</source>
        <translation>The kiosk found no hospital invoice or expense list in this picture. If it is a receipt, lay it flat and whole and take it again; if it is not, leave it out.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="447" />
        <source>这张收据机器没能读出来</source>
        <translation>The kiosk could not read this receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="449" />
        <source>机器认出这是收据，但是没能读出上面的字。这不是您的错：请重新拍一次，或者请协理员照着纸上的字帮您填上。</source>
        <translation>The kiosk sees a receipt but could not read its writing. It is not your fault: take it again, or the assistant types it in from the paper.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="461" />
        <source>请向旁边的协理员招手，或者到服务台找协理员。协理员来之前，这些收据会一直留在这里。</source>
        <translation>Wave to the assistant nearby or ask at the desk. Your receipts stay here until the assistant comes.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="474" />
        <source>确定不报了？再点一次</source>
        <translation>Stop this claim? Tap again</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="475" />
        <source>不报了，回首页</source>
        <translation>Stop, back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="496" />
        <source>{c}类</source>
        <translation>Class {c}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="516" />
        <source>第{n}张还没有处理好（重新拍、请协理员填上，或者跳过），处理好才能提交。</source>
        <translation>Receipt {n} still needs attention (take it again, have the assistant fill it in, or leave it out) before the claim can be submitted.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="521" />
        <source>正在重新计算……</source>
        <translation>Working it out again…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="523" />
        <source>现在算不出能报多少，县医保局审核后会告诉您。</source>
        <translation>The refund cannot be worked out now; the county insurance office will tell you after its review.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="549" />
        <source>看病一共花了{total}元，医院已经用医保付了{settled}元。按估算，这次没有可以再报的钱，县医保局审核后会告诉您结果。</source>
        <translation>The visit cost {total} yuan; the hospital already charged {settled} yuan to the insurance. By the estimate nothing more can be refunded this time; the county office will tell you after its review.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="552" />
        <source>看病一共花了{total}元。按估算，这次没有可以报的钱，原因请看计算过程；县医保局审核后会告诉您结果。</source>
        <translation>The visit cost {total} yuan. By the estimate nothing can be refunded this time (see the calculation for why); the county office will tell you after its review.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="556" />
        <source>看病一共花了{total}元，医院已经用医保付了{settled}元，这次还能报大约{refund}元，自己负担{own}元。</source>
        <translation>The treatment cost {total} yuan in all. Insurance already paid {settled} yuan at the hospital; about {refund} yuan more can be refunded now, and you pay {own} yuan yourself.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="560" />
        <source>看病一共花了{total}元，医保能报大约{refund}元，自己负担{own}元。</source>
        <translation>The treatment cost {total} yuan in all. Insurance can refund about {refund} yuan; you pay {own} yuan yourself.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="565" />
        <source>收起计算过程</source>
        <translation>Hide the calculation</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="565" />
        <source>看计算过程</source>
        <translation>Show the calculation</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="590" />
        <source>正在显示收据的照片……</source>
        <translation>Showing the receipt's picture…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="602" />
        <source>这张照片显示不出来</source>
        <translation>This picture cannot be shown</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="618" />
        <source>输入开票日期（年月日8位数字）</source>
        <translation>Enter the invoice date (8 digits: year, month, day)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="620" />
        <source>输入收据上的总金额</source>
        <translation>Enter the total printed on the receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="622" />
        <source>输入收据上的“{name}”（没有印就输入0）</source>
        <translation>Enter “{name}” from the receipt (0 when not printed)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="625" />
        <source>输入收据上的“{name}”</source>
        <translation>Enter “{name}” from the receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="629" />
        <source>这是哪一种单据？</source>
        <translation>What kind of paper is this?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="634" />
        <source>输入医院名称</source>
        <translation>Enter the hospital's name</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="637" />
        <source>输入交款人姓名</source>
        <translation>Enter the payer's name</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="325" />
        <source>再加一张收据</source>
        <translation>Add another receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="326" />
        <source>没错，提交</source>
        <translation>Correct, submit</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="400" />
        <source>没有读到</source>
        <translation>not read</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="408" />
        <location filename="../../kiosk/ui/screens/review.py" line="494" />
        <source>{amount} 元</source>
        <translation>¥{amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="526" />
        <source>（按示例政策估算，以县医保局审核为准）</source>
        <translation>(estimated with the example policy; the county's review decides)</translation>
    </message>
</context>
<context>
    <name>ScannerSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="241" />
        <source>扫描仪</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="245" />
        <source>查找扫描仪</source>
        <translation>Find scanners</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="246" />
        <source>扫描一张测试页</source>
        <translation>Scan a test page</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="257" />
        <source>正在查找扫描仪……</source>
        <translation>Looking for scanners…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="272" />
        <source>没有找到扫描仪，请检查电源和连线。</source>
        <translation>No scanner found. Check its power and cable.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="285" />
        <source>正在扫描……</source>
        <translation>Scanning…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="304" />
        <source>扫描正常（{w}×{h}），图像清楚，可以使用。</source>
        <translation>The scan works ({w}×{h}); the picture is clear and usable.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="307" />
        <source>扫描到了（{w}×{h}），但图像有问题：{why}</source>
        <translation>Scanned ({w}×{h}), but the picture has a problem: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/hardware.py" line="315" />
        <source>本机没有装扫描程序（sane-utils），请技术员安装。</source>
        <translation>The scanner software (sane-utils) is not installed on this kiosk.</translation>
    </message>
</context>
<context>
    <name>ServerSection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="97" />
        <source>县服务器</source>
        <translation>County server</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="117" />
        <source>县服务器地址</source>
        <translation>County server address</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="118" />
        <source>一次性登记码（县里的管理员给）</source>
        <translation>One-time enrolment code (from the county administrator)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="119" />
        <source>服务器证书指纹（SHA-256，https 时必填）</source>
        <translation>Server certificate fingerprint (SHA-256, required for https)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="120" />
        <source>登记本机</source>
        <translation>Enrol this kiosk</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="145" />
        <source>本机还没有登记到县服务器。</source>
        <translation>This kiosk is not enrolled with a county server.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="148" />
        <source>已登记：{server}
本机编号：{device}</source>
        <translation>Enrolled with: {server}
Device ID: {device}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="158" />
        <source>正在连接县服务器……</source>
        <translation>Connecting to the county server…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="168" />
        <source>填写的内容不对：{why}</source>
        <translation>Something typed is not right: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="170" />
        <source>登记码不对，请核对后再输入。</source>
        <translation>The enrolment code is wrong. Check it and type it again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="171" />
        <source>这个登记码已经用过了，请向县里要一个新的。</source>
        <translation>This enrolment code was already used. Ask the county for a new one.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="172" />
        <source>这个登记码已经过期了，请向县里要一个新的。</source>
        <translation>This enrolment code has expired. Ask the county for a new one.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="173" />
        <source>县服务器拒绝了登记：{why}</source>
        <translation>The county server refused the enrolment: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="177" />
        <source>服务器的证书和填写的指纹对不上，没有登记。请核对指纹，或检查是不是连错了服务器。</source>
        <translation>The server's certificate does not match the fingerprint typed, so nothing was enrolled. Check the fingerprint, or whether this is the right server.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="181" />
        <source>这个地址有服务器回答，但回答看不懂，不是县医保服务器。请核对地址和端口。没有登记。</source>
        <translation>Something answers at this address, but not the county insurance server: its answer makes no sense. Check the address and port. Not enrolled.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="185" />
        <source>连不上县服务器，请检查地址和网络。</source>
        <translation>Cannot reach the county server. Check the address and the network.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/server.py" line="194" />
        <source>登记成功，开始同步。</source>
        <translation>Enrolled. Syncing starts now.</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="155" />
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="156" />
        <source>回到首页</source>
        <translation>Back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="157" />
        <source>重新走一遍首次设置</source>
        <translation>Walk through the first start again</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="225" />
        <source>没有保存：{why}</source>
        <translation>Not saved: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="230" />
        <source>配置文件写不进去：{why}</source>
        <translation>The configuration file cannot be written: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="244" />
        <source>开</source>
        <translation>On</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="244" />
        <source>关</source>
        <translation>Off</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="245" />
        <source>已保存“{name}”：{value}，已经生效。</source>
        <translation>Saved “{name}”: {value}, in force now.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/panel.py" line="246" />
        <source>已保存“{name}”：{value}，重启后生效。</source>
        <translation>Saved “{name}”: {value}, in force after a restart.</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="234" />
        <source>密码错误次数太多，请{m}分钟后再试。</source>
        <translation>Too many wrong PINs. Try again in {m} minutes.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="235" />
        <source>密码不对，还可以试{n}次。</source>
        <translation>Wrong PIN. {n} tries left.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="280" />
        <source>现在的密码不对，还可以试{n}次。</source>
        <translation>The current PIN is wrong. {n} tries left.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="286" />
        <source>技术员密码已经改好了。</source>
        <translation>The technician PIN has been changed.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="291" />
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="292" />
        <source>密码要{a}到{b}位数字。</source>
        <translation>The PIN must be {a} to {b} digits.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="293" />
        <source>不能全是同一个数字，请换一个。</source>
        <translation>Not one digit repeated; please choose another.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="294" />
        <source>不能用123456这样连着的数字，请换一个。</source>
        <translation>Not a run like 123456; please choose another.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="295" />
        <source>不能用121212这样重复的数字，请换一个。</source>
        <translation>Not a repeated pair like 121212; please choose another.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="296" />
        <source>两次输入的不一样，请重新输入。</source>
        <translation>The two entries differ. Please start again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/__init__.py" line="297" />
        <source>这台机器已经有技术员密码了，请输入密码。</source>
        <translation>This kiosk already has a technician PIN. Please enter it.</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="49" />
        <source>医保报销自助机</source>
        <translation>Medical insurance reimbursement kiosk</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="50" />
        <source>请点一下您要办的事</source>
        <translation>Tap what you would like to do</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="51" />
        <source>我要报销</source>
        <translation>File a claim</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="52" />
        <source>查询进度</source>
        <translation>My claims</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="53" />
        <source>协理员登录</source>
        <translation>Assistant sign-in</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="54" />
        <location filename="../../kiosk/ui/screens/start.py" line="55" />
        <source>技术员设置</source>
        <translation>Technician settings</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/start.py" line="56" />
        <source>机器正在准备读收据的程序，您可以先点“我要报销”输入身份证号码。</source>
        <translation>The kiosk is getting its receipt reader ready; you can already tap “File a claim” and enter your ID number.</translation>
    </message>
</context>
<context>
    <name>StatusScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="41" />
        <source>我的报销</source>
        <translation>My claims</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="42" />
        <source>这台机器上没有找到您的报销单。</source>
        <translation>No claims of yours on this kiosk.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="43" />
        <source>回到首页</source>
        <translation>Back to the start</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="47" />
        <source>还没提交</source>
        <translation>not submitted</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="48" />
        <location filename="../../kiosk/ui/screens/status.py" line="49" />
        <source>等待联网发送</source>
        <translation>waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="50" />
        <source>正在发送</source>
        <translation>sending</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="51" />
        <source>县医保局已收到</source>
        <translation>received by the county</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="52" />
        <source>正在审核</source>
        <translation>under review</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="53" />
        <source>审核通过，等待打款</source>
        <translation>approved, payment coming</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="54" />
        <source>被退回了</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="55" />
        <source>已打款</source>
        <translation>paid</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="56" />
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="63" />
        <source>接下来：机器联网后会自动送到县医保局，您不用再来。</source>
        <translation>Next: when the kiosk is online it sends the claim to the county office by itself; you need not come back.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="65" />
        <source>接下来：县医保局审核，大约两到四周。</source>
        <translation>Next: the county office reviews it, in about two to four weeks.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="67" />
        <source>接下来：钱会打到您的社保卡上。</source>
        <translation>Next: the money goes to your social security card.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="69" />
        <source>钱已经打到您的社保卡上了。</source>
        <translation>The money has been paid to your social security card.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="74" />
        <source>县医保局说：{reason}</source>
        <translation>The county says: {reason}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="75" />
        <source>县医保局没有写原因。</source>
        <translation>The county gave no reason.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="76" />
        <source>怎么办：请带上身份证和原来的收据，找协理员帮您改好，再报一次。</source>
        <translation>What to do: bring your ID card and the original receipts to an assistant, who will help you correct it and file it again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="88" />
        <source>{amount} 元</source>
        <translation>¥{amount}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="89" />
        <source>医院没有读出</source>
        <translation>Hospital not read</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="90" />
        <source>报销单 {n}（{day}提交）</source>
        <translation>Claim {n} (submitted {day})</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/status.py" line="92" />
        <source>现在：{state}</source>
        <translation>Now: {state}</translation>
    </message>
</context>
<context>
    <name>SummarySection</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="104" />
        <source>设置好了</source>
        <translation>All set</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="108" />
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="108" />
        <source>县服务器</source>
        <translation>County server</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="109" />
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="109" />
        <source>扫描仪</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="141" />
        <source>已登记：{server}，本机编号 {device}</source>
        <translation>Enrolled with {server}, kiosk number {device}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="144" />
        <source>还没有登记。报销单会先存在本机排队，登记以后才送到县里。请尽快在⚙ → 县服务器登记。</source>
        <translation>Not enrolled yet. Claims wait in this kiosk's queue and go to the county only after enrolment. Enrol soon under ⚙ → County server.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="151" />
        <source>正常，有画面</source>
        <translation>Works: live picture seen</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="151" />
        <source>正常，扫出了测试页</source>
        <translation>Works: a test page was scanned</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="153" />
        <source>没有找到摄像头：收据只能用扫描仪或从U盘导入</source>
        <translation>No camera found: receipts can only be scanned or imported from a USB stick</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="154" />
        <source>没有找到扫描仪：收据只能用摄像头拍或从U盘导入</source>
        <translation>No scanner found: receipts can only be photographed or imported from a USB stick</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="156" />
        <source>打不开，请检查连线后在⚙ → 摄像头再试</source>
        <translation>Could not be opened; check the cable, then try again under ⚙ → Camera</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="157" />
        <source>扫描没成功，请检查电源和连线后在⚙ → 扫描仪再试</source>
        <translation>The scan failed; check power and cable, then try again under ⚙ → Scanner</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/settings/firststart/wizard.py" line="158" />
        <source>没有测试</source>
        <translation>Not tested</translation>
    </message>
</context>
<context>
    <name>TechnicianScreen</name>
    <message>
        <location filename="../../kiosk/ui/technician.py" line="52" />
        <location filename="../../kiosk/ui/technician.py" line="53" />
        <source>请联系技术员</source>
        <translation>Please call the technician</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/technician.py" line="54" />
        <source>这台机器现在不能办理报销。这不是您的错。请叫工作人员或技术员来处理。</source>
        <translation>This kiosk cannot take claims right now. It is not your fault. Please ask the staff or the technician to see to it.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/technician.py" line="55" />
        <source>原因也记在日志里：{folder}</source>
        <translation>The reason is also in the log: {folder}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/technician.py" line="57" />
        <source>修好了，再试一次</source>
        <translation>Fixed: try again</translation>
    </message>
</context>
<context>
    <name>TextPad</name>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="296" />
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>TextRow</name>
    <message>
        <location filename="../../kiosk/ui/screens/settings/fields.py" line="190" />
        <source>保存</source>
        <translation>Save</translation>
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
<context>
    <name>UsbImportScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="151" />
        <source>从U盘导入收据</source>
        <translation>Import a receipt from a USB stick</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="152" />
        <source>点一下收据的照片或PDF文件，就会读这一张。</source>
        <translation>Tap the photo or PDF of a receipt to read it.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="153" />
        <source>◀ 上一层</source>
        <translation>◀ Up one folder</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="154" />
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="230" />
        <source>文件夹</source>
        <translation>Folder</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="232" />
        <source>正在显示……</source>
        <translation>Showing…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="261" />
        <source>“{name}”读不出来：{why}</source>
        <translation>“{name}” cannot be read: {why}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="302" />
        <source>U盘 {name}</source>
        <translation>USB stick {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="312" />
        <source>{name}
读不出来</source>
        <translation>{name}
cannot be read</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="314" />
        <source>{name}
PDF，共{n}页</source>
        <translation>{name}
PDF, {n} pages</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="322" />
        <source>正在找U盘……</source>
        <translation>Looking for a USB stick…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="323" />
        <source>没有找到U盘。请把U盘插到机器的USB口上，稍等几秒钟，这里会自动显示。</source>
        <translation>No USB stick found. Plug the stick into the kiosk's USB port and wait a few seconds: it shows here by itself.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="325" />
        <source>正在打开U盘……</source>
        <translation>Opening the USB stick…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="326" />
        <source>这个U盘里没有照片或PDF文件。请换一个U盘，或者请协理员帮忙。</source>
        <translation>There are no photos or PDF files on this stick. Try another stick, or ask the assistant.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="327" />
        <source>这个文件夹里没有照片或PDF文件，请点“上一层”。</source>
        <translation>There are no photos or PDF files in this folder; tap “Up one folder”.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="332" />
        <source>还有{n}个文件没有列出来，请协理员帮忙找。</source>
        <translation>{n} more files are not listed; ask the assistant to find yours.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/usb_import.py" line="344" />
        <source>U盘：{where}</source>
        <translation>USB stick: {where}</translation>
    </message>
</context>
<context>
    <name>_Lines</name>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="123" />
        <source>预计报销 {amount} 元（估算）</source>
        <translation>Estimated refund: {amount} yuan (estimate)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="124" />
        <source>报销金额：等县医保局审核</source>
        <translation>Refund: decided by the county insurance office</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="126" />
        <source>医保报销回执</source>
        <translation>Insurance claim receipt</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="127" />
        <source>报销单号</source>
        <translation>Claim number</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="128" />
        <source>提交时间：{when}</source>
        <translation>Filed: {when}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="129" />
        <source>姓名：{name}</source>
        <translation>Name: {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="130" />
        <source>身份证：{id}</source>
        <translation>ID card: {id}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="131" />
        <source>收据：{n} 张</source>
        <translation>Receipts: {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="132" />
        <source>金额合计：{amount} 元</source>
        <translation>Total: {amount} yuan</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="134" />
        <source>估算金额以县医保局审核为准。</source>
        <translation>The estimate is final only once the county insurance office has reviewed the claim.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="135" />
        <source>机器联网后会把材料送到县医保局，审核约两到四周。</source>
        <translation>When online, the kiosk sends the papers to the county insurance office; the review takes two to four weeks.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/slip.py" line="136" />
        <source>钱会打到社保卡上。查进度：在自助机上扫下面的二维码。</source>
        <translation>The money goes to your social security card. To check progress, scan the QR code below at the kiosk.</translation>
    </message>
</context>
</TS>