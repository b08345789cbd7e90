<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DeskmateApp</name>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="64" />
        <source>Drafts recovered from before Deskmate last stopped: {n}</source>
        <translation>已恢复 Deskmate 上次停止前的草稿：{n} 份</translation>
    </message>
</context>
<context>
    <name>DraftEditor</name>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="66" />
        <source>Untitled draft — type a title</source>
        <translation>未命名草稿 — 请输入标题</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="67" />
        <source>Your draft. Everything you type is saved automatically.</source>
        <translation>在此撰写草稿。输入的所有内容都会自动保存。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="88" />
        <source>Editing…</source>
        <translation>正在编辑…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="101" />
        <source>Saved {time}</source>
        <translation>已于 {time} 保存</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="105" />
        <source>Not saved ({error}). Your text stays here; Deskmate keeps trying.</source>
        <translation>未保存（{error}）。文字仍保留在此处，Deskmate 会继续尝试保存。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="125" />
        <source>Saved as a version {time}</source>
        <translation>已于 {time} 保存为版本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="145" />
        <source>Opened “{title}”</source>
        <translation>已打开“{title}”</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="181" />
        <source>Import a document</source>
        <translation>导入文档</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="182" />
        <source>Documents (*.txt *.md *.docx)</source>
        <translation>文档 (*.txt *.md *.docx)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="188" />
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="201" />
        <source>Export the draft</source>
        <translation>导出草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="202" />
        <source>Markdown (*.md);;Word (*.docx);;Web page (*.html)</source>
        <translation>Markdown (*.md);;Word 文档 (*.docx);;网页 (*.html)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="208" />
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="210" />
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
</context>
<context>
    <name>DraftsPanel</name>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="293" />
        <source>Search drafts (Ctrl+F)</source>
        <translation>搜索草稿 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="294" />
        <source>New draft</source>
        <translation>新建草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="295" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="328" />
        <source>Draft deleted</source>
        <translation>草稿已删除</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="329" />
        <source>The draft was moved to the bin.</source>
        <translation>草稿已移至回收站。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="330" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="222" />
        <source>Draft history</source>
        <translation>草稿历史记录</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="225" />
        <source>Versions</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="233" />
        <source>Restore this version</source>
        <translation>恢复此版本</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="250" />
        <source>Deskmate — {model}</source>
        <translation>Deskmate — {model}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="251" />
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="252" />
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="253" />
        <location filename="../../app/deskmate/ui/main_window.py" line="265" />
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="254" />
        <source>Run the task (Ctrl+Enter)</source>
        <translation>运行任务 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="255" />
        <location filename="../../app/deskmate/ui/main_window.py" line="265" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="256" />
        <source>Stop (Esc)</source>
        <translation>停止 (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="257" />
        <location filename="../../app/deskmate/ui/main_window.py" line="265" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="258" />
        <source>Run again (Ctrl+R)</source>
        <translation>再次运行 (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="259" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="260" />
        <source>Copy the result (Ctrl+Shift+C)</source>
        <translation>复制结果 (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="261" />
        <location filename="../../app/deskmate/ui/main_window.py" line="266" />
        <source>Insert into draft</source>
        <translation>插入草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="262" />
        <source>Insert the result into the draft (Ctrl+I)</source>
        <translation>将结果插入草稿 (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="263" />
        <source>The answer appears here as it is written.</source>
        <translation>回答会在生成过程中实时显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="266" />
        <source>Copy result</source>
        <translation>复制结果</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="267" />
        <source>New draft</source>
        <translation>新建草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="267" />
        <source>Save a version</source>
        <translation>保存版本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="268" />
        <source>Search drafts</source>
        <translation>搜索草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="269" />
        <source>Find a task</source>
        <translation>查找任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="269" />
        <source>Draft history…</source>
        <translation>草稿历史记录…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="270" />
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="270" />
        <source>Export draft…</source>
        <translation>导出草稿…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="271" />
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="271" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="275" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="276" />
        <source>&amp;Task</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="277" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="278" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="355" />
        <source>stopped — the text so far is kept</source>
        <translation>已停止，已保留目前生成的文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="357" />
        <source>{n} tokens, {rate:.1f} tokens/s</source>
        <translation>{n} 个词元，{rate:.1f} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="363" />
        <source>{rows} rows × {cols} columns</source>
        <translation>{rows} 行 × {cols} 列</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/main_window.py" line="370" />
        <source>%n change(s) to review</source>
        <translation>
            <numerusform>%n 处修改待审阅</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="380" />
        <source>Review found: {issues}. The answer was rewritten once to fix this; the first answer is kept below.</source>
        <translation>复核发现：{issues}。已据此将回答改写一次；最初的回答保留在下方。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="374" />
        <source>Review: no problems found.</source>
        <translation>复核：未发现问题。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="50" />
        <source>Engine stopped</source>
        <translation>引擎已停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="51" />
        <source>Starting the engine…</source>
        <translation>正在启动引擎…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="52" />
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="53" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="54" />
        <source>The engine stopped unexpectedly — restarting</source>
        <translation>引擎意外停止，正在重启</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="55" />
        <source>Restarting the engine…</source>
        <translation>正在重启引擎…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="56" />
        <source>The engine cannot start</source>
        <translation>引擎无法启动</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="384" />
        <source>Review found: {issues}</source>
        <translation>复核发现：{issues}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="411" />
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="29" />
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="45" />
        <source>Built-in: SmolLM2-135M (small, for trying things out)</source>
        <translation>内置：SmolLM2-135M（小模型，适合试用）</translation>
    </message>
</context>
<context>
    <name>ProofreadView</name>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="132" />
        <source>Text with changes marked</source>
        <translation>已标出修改的文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="133" />
        <source>Proofread a text to review its changes here.</source>
        <translation>校对文本后，可在此审阅修改。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="134" />
        <source>Changes (ticked ones are kept):</source>
        <translation>修改（勾选的将被保留）：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="135" />
        <source>Changes</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="136" />
        <source>Accept all</source>
        <translation>全部接受</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="137" />
        <source>Accept all changes</source>
        <translation>接受所有修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="138" />
        <source>Reject all</source>
        <translation>全部拒绝</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="139" />
        <source>Reject all changes</source>
        <translation>拒绝所有修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="140" />
        <source>Final text:</source>
        <translation>最终文本：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="141" />
        <source>Final text</source>
        <translation>最终文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="142" />
        <source>Restored sentences</source>
        <translation>已恢复的句子</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="159" />
        <source>a line break</source>
        <translation>换行符</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="159" />
        <source>a space</source>
        <translation>空格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="165" />
        <source>add {0}</source>
        <translation>添加 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="167" />
        <source>remove {0}</source>
        <translation>删除 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="169" />
        <source>{0} → {1}</source>
        <translation>{0} → {1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="324" />
        <source>No changes: the text looks right.</source>
        <translation>无需修改：文本看起来没有问题。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/proofread_view.py" line="327" />
        <source>%n of {0} changes accepted.</source>
        <translation>
            <numerusform>已接受 %n 处修改（共 {0} 处）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/proofread_view.py" line="337" />
        <source>The proofreader left out %n sentence(s). They were put back from your original, unchanged:</source>
        <translation>
            <numerusform>校对时遗漏了 %n 个句子，已按原文原样补回：</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="33" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="35" />
        <source>Built-in model (SmolLM2-135M)</source>
        <translation>内置模型 (SmolLM2-135M)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="36" />
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="63" />
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="37" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="44" />
        <source>Automatic (one per core)</source>
        <translation>自动（每个核心一个）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="49" />
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="51" />
        <source>Offline mode: never send anything over the network</source>
        <translation>离线模式：绝不通过网络发送任何数据</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="64" />
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="65" />
        <source>Context size</source>
        <translation>上下文大小</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="67" />
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="78" />
        <source>Choose a GGUF model</source>
        <translation>选择 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="79" />
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="110" />
        <source>The settings could not be saved: {error}</source>
        <translation>无法保存设置：{error}</translation>
    </message>
</context>
<context>
    <name>TableEditor</name>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="364" />
        <source>Add row</source>
        <translation>添加行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="364" />
        <source>Add a row below the last one</source>
        <translation>在最后一行下方添加一行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="365" />
        <source>Remove rows</source>
        <translation>删除行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="365" />
        <source>Remove the selected rows</source>
        <translation>删除所选行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="366" />
        <source>Add column</source>
        <translation>添加列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="366" />
        <source>Add a column right of the current one</source>
        <translation>在当前列右侧添加一列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="367" />
        <source>Remove column</source>
        <translation>删除列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="367" />
        <source>Remove the current column</source>
        <translation>删除当前列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="369" />
        <source>Rename column</source>
        <translation>重命名列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="370" />
        <source>Rename the current column (or double-click its header)</source>
        <translation>重命名当前列（也可双击列标题）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="372" />
        <source>Copy as table</source>
        <translation>复制为表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="372" />
        <source>Copy the whole table for Word, Excel or email</source>
        <translation>复制整个表格，以便粘贴到 Word、Excel 或电子邮件中</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="373" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="373" />
        <source>Undo the last change to the table</source>
        <translation>撤销对表格的上一次修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="374" />
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="374" />
        <source>Redo the change just undone</source>
        <translation>重做刚刚撤销的修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="383" />
        <location filename="../../app/deskmate/ui/table_view.py" line="385" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="384" />
        <source>Save the table as a file</source>
        <translation>将表格保存为文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="389" />
        <location filename="../../app/deskmate/ui/table_view.py" line="534" />
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="390" />
        <source>Table messages</source>
        <translation>表格提示</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="395" />
        <source>CSV (spreadsheets)…</source>
        <translation>CSV（电子表格）…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="395" />
        <source>CSV file (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="396" />
        <source>Excel workbook (.xlsx)…</source>
        <translation>Excel 工作簿 (.xlsx)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="396" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="397" />
        <source>Markdown…</source>
        <translation>Markdown…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="397" />
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="398" />
        <source>Word document (.docx)…</source>
        <translation>Word 文档 (.docx)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="398" />
        <source>Word document (*.docx)</source>
        <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="399" />
        <source>Web page (.html)…</source>
        <translation>网页 (.html)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="399" />
        <source>Web page (*.html *.htm)</source>
        <translation>网页 (*.html *.htm)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="447" />
        <source>Select the rows to remove first.</source>
        <translation>请先选择要删除的行。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="488" />
        <source>Column name</source>
        <translation>列名</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="524" />
        <source>Table copied. Paste it into a document, a spreadsheet or an email.</source>
        <translation>表格已复制，可粘贴到文档、电子表格或电子邮件中。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="529" />
        <source>Still saving the last file; try again in a moment.</source>
        <translation>上一个文件仍在保存中，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="544" />
        <source>Saving {0}…</source>
        <translation>正在保存 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="549" />
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="554" />
        <source>The table was not saved. {0}</source>
        <translation>表格未保存。{0}</translation>
    </message>
</context>
<context>
    <name>TableModel</name>
    <message>
        <location filename="../../app/deskmate/ui/table_view.py" line="167" />
        <source>Double-click to rename</source>
        <translation>双击以重命名</translation>
    </message>
</context>
<context>
    <name>TaskForm</name>
    <message>
        <location filename="../../app/deskmate/ui/task_form.py" line="65" />
        <source>Factual</source>
        <translation>严谨</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_form.py" line="66" />
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_form.py" line="67" />
        <source>Check the answer and rewrite it once if needed (review pass)</source>
        <translation>检查回答，必要时重写一次（复核）</translation>
    </message>
</context>
<context>
    <name>TaskSidebar</name>
    <message>
        <location filename="../../app/deskmate/ui/task_sidebar.py" line="37" />
        <source>Search tasks (Ctrl+K)</source>
        <translation>搜索任务 (Ctrl+K)</translation>
    </message>
</context>
<context>
    <name>TranslationView</name>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="151" />
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="151" />
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="151" />
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="152" />
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="152" />
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="152" />
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="153" />
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="153" />
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="153" />
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="154" />
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="154" />
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="154" />
        <source>Vietnamese</source>
        <translation>越南语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="155" />
        <source>Thai</source>
        <translation>泰语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="155" />
        <source>Indonesian</source>
        <translation>印度尼西亚语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="155" />
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="156" />
        <source>Turkish</source>
        <translation>土耳其语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="156" />
        <source>Polish</source>
        <translation>波兰语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="169" />
        <source>&amp;From:</source>
        <translation>源语言(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="170" />
        <source>&amp;To:</source>
        <translation>目标语言(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="171" />
        <source>Source language</source>
        <translation>源语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="172" />
        <source>Target language</source>
        <translation>目标语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="173" />
        <location filename="../../app/deskmate/ui/translation_view.py" line="174" />
        <source>Swap languages and texts</source>
        <translation>互换语言和文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="175" />
        <location filename="../../app/deskmate/ui/translation_view.py" line="177" />
        <source>Translate</source>
        <translation>翻译</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="176" />
        <source>Translate (Ctrl+Enter)</source>
        <translation>翻译 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="178" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="179" />
        <source>Stop and keep what has been translated (Esc)</source>
        <translation>停止并保留已翻译的内容 (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="180" />
        <source>Stop translating</source>
        <translation>停止翻译</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="181" />
        <source>Type or paste the text to translate.</source>
        <translation>输入或粘贴要翻译的文本。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="182" />
        <source>Text to translate</source>
        <translation>待翻译文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="183" />
        <source>The translation appears here, paragraph by paragraph.</source>
        <translation>译文将逐段显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="184" />
        <source>Translation</source>
        <translation>译文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="185" />
        <source>Translation progress</source>
        <translation>翻译进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="186" />
        <source>Translation notes</source>
        <translation>翻译提示</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="198" />
        <source>Auto-detect ({0})</source>
        <translation>自动检测（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="200" />
        <source>Auto-detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="245" />
        <source>Type or paste the text to translate first.</source>
        <translation>请先输入或粘贴要翻译的文本。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="250" />
        <source>The text is already in {0}. Pick another target language.</source>
        <translation>文本已经是{0}，请选择其他目标语言。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="257" />
        <source>No model is ready yet. Wait for it to load, or choose one in Settings.</source>
        <translation>模型尚未就绪。请等待模型加载完成，或在“设置”中选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="265" />
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="276" />
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="363" />
        <source>Paragraph {0}: “{1}” should be translated as “{2}”, but that is not in the translation.</source>
        <translation>第 {0} 段：“{1}”应译为“{2}”，但译文中没有出现。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="370" />
        <source>Paragraph {0}: {1} from the source is not in the translation. Check the numbers.</source>
        <translation>第 {0} 段：原文中的 {1} 未出现在译文中，请核对数字。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="375" />
        <source>Paragraph {0}: part of it came back empty, so the original words were kept.</source>
        <translation>第 {0} 段：部分内容返回为空，已保留原文。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="387" />
        <source>Stopped after {0} of {1} paragraphs. What arrived is kept.</source>
        <translation>已翻译 {0} 段（共 {1} 段）后停止，已收到的内容均已保留。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/translation_view.py" line="390" />
        <source>Translated %n paragraph(s).</source>
        <translation>
            <numerusform>已翻译 %n 个段落。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="400" />
        <source>The translation stopped: {0} What arrived before that is kept.</source>
        <translation>翻译已停止：{0} 此前收到的内容均已保留。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="429" />
        <source>Paragraph {0} of {1}</source>
        <translation>第 {0} 段，共 {1} 段</translation>
    </message>
</context>
<context>
    <name>Worker</name>
    <message>
        <location filename="../../app/deskmate/ui/worker.py" line="34" />
        <source>Deskmate is not allowed to write “{0}”. Choose another folder.</source>
        <translation>Deskmate 无权写入“{0}”，请选择其他文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/worker.py" line="41" />
        <source>Could not use “{0}”: {1}.</source>
        <translation>无法使用“{0}”：{1}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/worker.py" line="48" />
        <source>Something went wrong: {0}</source>
        <translation>出现错误：{0}</translation>
    </message>
</context>
</TS>