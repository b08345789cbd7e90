<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="48"/>
        <source>Paste back cannot type into other apps on Wayland. The result is on the clipboard: press Ctrl+V.</source>
        <translation>在 Wayland 上，“粘贴回去”无法向其他应用输入。结果已在剪贴板上：请按 Ctrl+V。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="50"/>
        <source>Paste back needs a desktop display. The result is on the clipboard: press Ctrl+V.</source>
        <translation>“粘贴回去”需要桌面显示。结果已在剪贴板上：请按 Ctrl+V。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="54"/>
        <source>Paste back needs the optional package pynput (pip install &apos;deskmate[hotkeys]&apos;). The result is on the clipboard: press Ctrl+V.</source>
        <translation>“粘贴回去”需要可选软件包 pynput（pip install &apos;deskmate[hotkeys]&apos;）。结果已在剪贴板上：请按 Ctrl+V。</translation>
    </message>
</context>
<context>
    <name>AnswerView</name>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="82"/>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="83"/>
        <source>Sources (double-click to open the file at that place):</source>
        <translation>来源（双击在该处打开文件）：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="84"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="117"/>
        <source>No cited passage supports this sentence: check it against the sources.</source>
        <translation>引用的段落都不支持这句话：请对照来源核实。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="129"/>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="143"/>
        <source>{name} is no longer at {folder}: it was moved or deleted.</source>
        <translation>{name} 已不在 {folder}：它已被移动或删除。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/document_answer_view.py" line="147"/>
        <source>No program on this computer opens {name}.</source>
        <translation>这台电脑上没有能打开 {name} 的程序。</translation>
    </message>
</context>
<context>
    <name>ConversationFlow</name>
    <message>
        <location filename="../../app/deskmate/ui/conversation_flow.py" line="88"/>
        <source>No model is ready yet: wait for the engine, or choose a model below.</source>
        <translation>模型还没有就绪：请等待引擎启动，或在下方选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_flow.py" line="144"/>
        <source>This turn was interrupted: Deskmate stopped while it was being written. Ask again to get an answer.</source>
        <translation>这一轮被中断了：Deskmate 在生成回答时停止了。请再问一次以获得回答。</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="76"/>
        <source>Insert turn into draft</source>
        <translation>将此轮插入草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="77"/>
        <source>Insert the selected turn&apos;s answer into the draft</source>
        <translation>将所选这一轮的回答插入草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="78"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="79"/>
        <source>Export the conversation as Markdown, Word, HTML or PDF</source>
        <translation>将对话导出为 Markdown、Word、HTML 或 PDF</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="98"/>
        <source>Conversation: {title}</source>
        <translation>对话：{title}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="118"/>
        <source>text</source>
        <translation>文字</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="118"/>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="118"/>
        <source>table</source>
        <translation>表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="119"/>
        <source>changes</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="119"/>
        <source>translation</source>
        <translation>译文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="120"/>
        <source>drawing prompt</source>
        <translation>绘图提示</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="121"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="121"/>
        <source>writing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="122"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="122"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="156"/>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="163"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="157"/>
        <source>Word (*.docx);;PDF (*.pdf);;Markdown (*.md);;HTML (*.html)</source>
        <translation>Word (*.docx);;PDF (*.pdf);;Markdown (*.md);;HTML (*.html)</translation>
    </message>
</context>
<context>
    <name>ConversationsPanel</name>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="197"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="225"/>
        <source>No conversation matches.</source>
        <translation>没有匹配的对话。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/conversation_view.py" line="226"/>
        <source>Your conversations appear here: ask something in the box above.</source>
        <translation>你的对话会显示在这里：在上方的输入框里提问即可。</translation>
    </message>
</context>
<context>
    <name>DeskmateApp</name>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="121"/>
        <source>Drafts recovered from before Deskmate last stopped: {n}</source>
        <translation>已恢复 Deskmate 上次停止前的草稿：{n} 份</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="221"/>
        <source>The quick palette opens with {keys} from any application.</source>
        <translation>在任何应用中按 {keys} 即可打开快捷面板。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="244"/>
        <source>Quick action hotkeys are off</source>
        <translation>快捷操作热键未启用</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="257"/>
        <source>The result ({n} characters) replaced the clipboard. Undo puts the old clipboard back.</source>
        <translation>结果（{n} 个字符）已替换剪贴板。点“撤销”可恢复原来的剪贴板。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="259"/>
        <source>{action}: done</source>
        <translation>{action}：已完成</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="269"/>
        <source>The old clipboard is back.</source>
        <translation>原来的剪贴板已恢复。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="281"/>
        <source>Emptying the bin and pruning old versions failed: {error}</source>
        <translation>清空回收站和清理旧版本失败：{error}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/app.py" line="394"/>
        <source>remote server {name}</source>
        <translation>远程服务器 {name}</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="56"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="57"/>
        <source>Searchable by keyword</source>
        <translation>可按关键词搜索</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="58"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="59"/>
        <source>Could not read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="233"/>
        <source>Library</source>
        <translation>文档库</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="234"/>
        <source>Add &amp;files…</source>
        <translation>添加文件(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="235"/>
        <source>Add f&amp;older…</source>
        <translation>添加文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="236"/>
        <source>A folder is watched: files added to it later are read too.</source>
        <translation>文件夹会被持续关注：以后放进去的文件也会被读取。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="237"/>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="238"/>
        <source>Take the selected files out of the library (they stay on disk).</source>
        <translation>把选中的文件移出文档库（磁盘上的文件保留）。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="239"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="239"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="239"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="240"/>
        <source>Files in the library</source>
        <translation>文档库中的文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="241"/>
        <source>Drop files or folders here (PDF, Word, Excel, PowerPoint, Markdown, text, HTML), or use Add files…</source>
        <translation>把文件或文件夹拖到这里（PDF、Word、Excel、PowerPoint、Markdown、文本、HTML），或使用“添加文件…”</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="243"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="244"/>
        <source>Stop reading; the next run goes on where this one stopped.</source>
        <translation>停止读取；下次会从停下的地方继续。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="245"/>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="246"/>
        <source>Look for new and changed files in the library&apos;s folders now.</source>
        <translation>现在查找文档库文件夹中新增和改动的文件。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="247"/>
        <source>Indexing progress</source>
        <translation>索引进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="248"/>
        <source>Whole-document tasks (on the selected files)</source>
        <translation>全文任务（针对选中的文件）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="249"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="249"/>
        <source>Minutes → action items and schedule</source>
        <translation>会议纪要 → 待办事项和日程</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="249"/>
        <source>Weekly report</source>
        <translation>周报</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="250"/>
        <source>Extract a table</source>
        <translation>提取表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="253"/>
        <source>Document task</source>
        <translation>文档任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="254"/>
        <source>What the rows are, e.g. “every product with its price”</source>
        <translation>每一行是什么，例如“每个产品及其价格”</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="255"/>
        <source>R&amp;un</source>
        <translation>运行(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="256"/>
        <source>Task progress</source>
        <translation>任务进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="257"/>
        <source>Ask your documents, e.g. “How do I clear a paper jam?”</source>
        <translation>向你的文档提问，例如“如何清除卡纸？”</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="258"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="259"/>
        <source>&amp;Ask</source>
        <translation>提问(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="260"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="261"/>
        <source>Insert into draft</source>
        <translation>插入草稿</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="314"/>
        <source>%n passage(s)</source>
        <translation>
            <numerusform>%n 个段落</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="316"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="333"/>
        <source>Add documents to the library</source>
        <translation>向文档库添加文档</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="338"/>
        <source>Add a folder to the library</source>
        <translation>向文档库添加文件夹</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="388"/>
        <source>Starting the embedding model…</source>
        <translation>正在启动向量模型…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="399"/>
        <source>Checking the folders…</source>
        <translation>正在检查文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="430"/>
        <source>Reading {n} of {total}: {name}</source>
        <translation>正在读取第 {n} 个，共 {total} 个：{name}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="431"/>
        <source>Embedding {n} of {total}: {name}</source>
        <translation>正在生成向量，第 {n} 个，共 {total} 个：{name}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="436"/>
        <source>Paused. Resume to go on.</source>
        <translation>已暂停。点“继续”接着进行。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="438"/>
        <source>Going on…</source>
        <translation>继续进行…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="455"/>
        <source>Stopped. The rest is read next time.</source>
        <translation>已停止。其余的下次再读。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="457"/>
        <source>Up to date; %n file(s) could not be read (see Details).</source>
        <translation>
            <numerusform>已是最新；%n 个文件无法读取（见“详情”）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="459"/>
        <source>Up to date.</source>
        <translation>已是最新。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="466"/>
        <source>Indexing stopped.</source>
        <translation>索引已停止。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="473"/>
        <source>Search by meaning is off ({error}); keyword search works.</source>
        <translation>按语义搜索不可用（{error}）；关键词搜索可以使用。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="487"/>
        <source>No model is ready yet. Wait for the engine to start, then try again.</source>
        <translation>还没有可用的模型。请等引擎启动后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="499"/>
        <source>Type a question about your documents first.</source>
        <translation>请先输入关于你文档的问题。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="510"/>
        <source>Searching your documents…</source>
        <translation>正在搜索你的文档…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="520"/>
        <source>Select one or more files in the library first (Ctrl+click for several).</source>
        <translation>请先在文档库中选择一个或多个文件（按住 Ctrl 点击可多选）。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="531"/>
        <source>Reading the documents…</source>
        <translation>正在阅读文档…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="549"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="558"/>
        <source>Reading the whole text of your documents…</source>
        <translation>正在阅读你文档的全文…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="559"/>
        <source>Reading the %n best passage(s)…</source>
        <translation>
            <numerusform>正在阅读最相关的 %n 个段落…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="564"/>
        <source>Part {n} of {total}…</source>
        <translation>第 {n} 部分，共 {total} 部分…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="593"/>
        <source>Stopped — the answer so far is kept.</source>
        <translation>已停止——已生成的回答保留。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="595"/>
        <source>%n sentence(s) not supported by the passages they cite (shaded): check them.</source>
        <translation>
            <numerusform>%n 句话没有得到所引段落的支持（已加底色）：请核实。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="600"/>
        <source>Answered from %n source(s). Click a [number] to open it.</source>
        <translation>
            <numerusform>根据 %n 个来源回答。点击 [编号] 打开来源。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="613"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/documents_panel.py" line="615"/>
        <source>Done: %n paragraph(s) read.</source>
        <translation>
            <numerusform>完成：已阅读 %n 个段落。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="649"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="649"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="578"/>
        <source>Your library is empty. Add files or folders with “Add files…” or “Add folder…”, or drop them here, then ask again.</source>
        <translation>您的文档库是空的。请用“添加文件…”或“添加文件夹…”添加文件或文件夹，或把它们拖到这里，然后再提问。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/documents_panel.py" line="580"/>
        <source>None of your files can be searched yet: they are still being read, or could not be read (see the State column of the library).</source>
        <translation>您的文件还不能搜索：它们仍在读取中，或者无法读取（见文档库的“状态”列）。</translation>
    </message>
</context>
<context>
    <name>DownloadRow</name>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="285"/>
        <source>Download progress of {0}</source>
        <translation>{0} 的下载进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="286"/>
        <source>Download status of {0}</source>
        <translation>{0} 的下载状态</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="303"/>
        <source>Asking the hub about the file…</source>
        <translation>正在向模型仓库查询文件信息…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="305"/>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="307"/>
        <source>{0}/s</source>
        <translation>{0}/秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="309"/>
        <source>{0} left</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="311"/>
        <source>Checking the {0} already downloaded…</source>
        <translation>正在检查已下载的 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="313"/>
        <source>The connection dropped; trying again. {0} of {1} kept.</source>
        <translation>连接中断，正在重试。已保留 {0} / {1}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="315"/>
        <source>Checking the SHA-256 of the whole file…</source>
        <translation>正在校验整个文件的 SHA-256…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="317"/>
        <source>Paused at {0} of {1}.</source>
        <translation>已暂停，进度 {0} / {1}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="319"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="321"/>
        <source>Stopped at {0} of {1}. Resume continues from there.</source>
        <translation>已停止，进度 {0} / {1}。点击“继续”将从此处接着下载。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="326"/>
        <source>Installed as {0}.</source>
        <translation>已安装为 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="337"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="337"/>
        <source>Pause the download of {0}</source>
        <translation>暂停下载 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="339"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="339"/>
        <source>Retry the download of {0}</source>
        <translation>重新下载 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="341"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="341"/>
        <source>Resume the download of {0}</source>
        <translation>继续下载 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="344"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="345"/>
        <source>Cancel the download of {0} and delete what was downloaded</source>
        <translation>取消下载 {0} 并删除已下载的部分</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="347"/>
        <source>Stop and delete what was downloaded</source>
        <translation>停止并删除已下载的部分</translation>
    </message>
</context>
<context>
    <name>DraftEditor</name>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="43"/>
        <source>Untitled draft</source>
        <translation>未命名草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="78"/>
        <source>Untitled draft — type a title</source>
        <translation>未命名草稿 — 请输入标题</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="79"/>
        <source>Your draft. Everything you type is saved automatically.</source>
        <translation>在此撰写草稿。输入的所有内容都会自动保存。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="95"/>
        <source>Editing…</source>
        <translation>正在编辑…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="108"/>
        <source>Saved {time}</source>
        <translation>已于 {time} 保存</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="112"/>
        <source>Not saved ({error}). Your text stays here; Deskmate keeps trying.</source>
        <translation>未保存（{error}）。文字仍保留在此处，Deskmate 会继续尝试保存。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="133"/>
        <source>Saved as a version {time}</source>
        <translation>已于 {time} 保存为版本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="153"/>
        <source>Opened “{title}”</source>
        <translation>已打开“{title}”</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="216"/>
        <source>Import a document</source>
        <translation>导入文档</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="217"/>
        <source>Documents (*.txt *.md *.docx)</source>
        <translation>文档 (*.txt *.md *.docx)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="223"/>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="236"/>
        <source>Export the draft</source>
        <translation>导出草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="237"/>
        <source>Markdown (*.md);;Word (*.docx);;Web page (*.html)</source>
        <translation>Markdown (*.md);;Word 文档 (*.docx);;网页 (*.html)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="243"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="245"/>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="180"/>
        <source>The draft was moved to the bin; typing here starts a new draft.</source>
        <translation>草稿已移到回收站；在这里输入将新建一份草稿。</translation>
    </message>
</context>
<context>
    <name>DraftsPanel</name>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="348"/>
        <source>Search drafts (Ctrl+F)</source>
        <translation>搜索草稿 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="349"/>
        <source>New draft</source>
        <translation>新建草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="350"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="353"/>
        <source>The draft was moved to the bin.</source>
        <translation>草稿已移至回收站。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="354"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="350"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="351"/>
        <source>Bin</source>
        <translation>回收站</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="352"/>
        <source>Deleted drafts, kept for a week</source>
        <translation>已删除的草稿，保留一周</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="371"/>
        <source>deleted {time}</source>
        <translation>删除于 {time}</translation>
    </message>
</context>
<context>
    <name>EndpointDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="72"/>
        <source>Remote server</source>
        <translation>远程服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="72"/>
        <source>Remote server: {0}</source>
        <translation>远程服务器：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="75"/>
        <source>e.g. tigerbot</source>
        <translation>例如 tigerbot</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="81"/>
        <source>model id; Test connection lists the server&apos;s models</source>
        <translation>模型 ID；“测试连接”会列出服务器上的模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="85"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="88"/>
        <source>Detect automatically</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="89"/>
        <source>OpenAI / vLLM (json_schema)</source>
        <translation>OpenAI / vLLM（json_schema）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="90"/>
        <source>llama-cpp-python (json_object + schema)</source>
        <translation>llama-cpp-python（json_object + schema）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="93"/>
        <source>Extra request fields, one NAME=VALUE per line, e.g. internet=true</source>
        <translation>额外的请求字段，每行一个 NAME=VALUE，例如 internet=true</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="100"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="102"/>
        <source>Allow sending the key over plain http (trusted networks only)</source>
        <translation>允许通过明文 http 发送密钥（仅限可信网络）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="106"/>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="129"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="109"/>
        <source>saved in the system keyring; type to replace</source>
        <translation>已保存在系统钥匙串中；输入新值可替换</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="109"/>
        <source>API key (if the server needs one)</source>
        <translation>API 密钥（如服务器需要）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="112"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="117"/>
        <source>Keep the key for this session only</source>
        <translation>仅在本次会话中保留密钥</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="122"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="123"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="124"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="125"/>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="126"/>
        <source>Structured output</source>
        <translation>结构化输出</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="127"/>
        <source>Extra fields</source>
        <translation>额外字段</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="128"/>
        <source>Idle timeout</source>
        <translation>空闲超时</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="155"/>
        <source>Type the model id the server expects (its documentation names it, e.g. gpt-4o-mini). Once a test connects, the Model list offers the server&apos;s models.</source>
        <translation>请输入服务器要求的模型 ID（服务器文档中会写明，例如 gpt-4o-mini）。测试连接成功后，“模型”列表会列出服务器提供的模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="214"/>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="249"/>
        <source>This address is plain http to another computer, so the key could be read on the way. Use https://, or tick “Allow sending the key over plain http” if you trust this network.</source>
        <translation>该地址是连接到另一台计算机的明文 http，密钥在传输途中可能被读取。请使用 https://；如果信任此网络，也可以勾选“允许通过明文 http 发送密钥”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="285"/>
        <source>saved; type to replace</source>
        <translation>已保存；输入新值可替换</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/endpoint_dialog.py" line="287"/>
        <source>Saved. The key is kept in memory for this session only.</source>
        <translation>已保存。密钥仅在本次会话的内存中保留。</translation>
    </message>
</context>
<context>
    <name>FieldRow</name>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="108"/>
        <source>Label (English)</source>
        <translation>标签（英文）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="109"/>
        <source>Field label (English)</source>
        <translation>字段标签（英文）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="110"/>
        <source>Label (Chinese)</source>
        <translation>标签（中文）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="111"/>
        <source>Field label (Chinese)</source>
        <translation>字段标签（中文）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="112"/>
        <source>One line</source>
        <translation>单行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="113"/>
        <source>Several lines</source>
        <translation>多行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="114"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="115"/>
        <source>Default value (optional)</source>
        <translation>默认值（可选）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="116"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="123"/>
        <source>In the instruction: {name}</source>
        <translation>在指令中写作：{name}</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="257"/>
        <source>Draft history</source>
        <translation>草稿历史记录</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="260"/>
        <source>Versions</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/drafts.py" line="268"/>
        <source>Restore this version</source>
        <translation>恢复此版本</translation>
    </message>
</context>
<context>
    <name>Hotkeys</name>
    <message>
        <location filename="../../app/deskmate/ui/hotkeys.py" line="89"/>
        <location filename="../../app/deskmate/ui/hotkeys.py" line="174"/>
        <source>Global hotkeys do not work on Wayland.</source>
        <translation>全局热键在 Wayland 下无法使用。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/hotkeys.py" line="175"/>
        <source>Global hotkeys need a desktop display; this session has none (Qt platform “{platform}”).</source>
        <translation>全局热键需要桌面显示，而当前会话没有（Qt 平台“{platform}”）。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/hotkeys.py" line="183"/>
        <source>Instead, add a keyboard shortcut in your desktop&apos;s own settings (for example Settings → Keyboard → Custom Shortcuts) that runs {commands}.</source>
        <translation>请改在桌面系统自己的设置中添加键盘快捷键（例如 设置 → 键盘 → 自定义快捷键），让它运行 {commands}。</translation>
    </message>
</context>
<context>
    <name>ImageGallery</name>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="171"/>
        <source>&amp;Gallery</source>
        <translation>图库(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="172"/>
        <source>Gallery of pictures, newest first</source>
        <translation>图片库，最新的在前</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="174"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="174"/>
        <source>Open the picture in the system viewer (Enter)</source>
        <translation>用系统看图程序打开图片（Enter）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="175"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="175"/>
        <source>Copy the picture to the clipboard (Ctrl+C)</source>
        <translation>把图片复制到剪贴板（Ctrl+C）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="176"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="176"/>
        <source>Save a copy of the picture somewhere else</source>
        <translation>把图片另存一份到别处</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="177"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="177"/>
        <source>Delete the picture file and its history entry (Del)</source>
        <translation>删除图片文件及其历史记录（Del）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="178"/>
        <source>Use same settings</source>
        <translation>使用相同设置</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="178"/>
        <source>Fill the form with this picture&apos;s prompt, size, steps and seed</source>
        <translation>用这张图片的提示词、尺寸、步数和种子填写表单</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="226"/>
        <source>The gallery could not be listed: {0}</source>
        <translation>无法列出图库：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="255"/>
        <source>{0}
Seed {1} · {2} steps · {3}×{4}</source>
        <translation>{0}
种子 {1} · {2} 步 · {3}×{4}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="258"/>
        <source>The file is missing: {0}</source>
        <translation>文件不见了：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="334"/>
        <source>No program is set up to open {0}.</source>
        <translation>没有可以打开 {0} 的程序。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="344"/>
        <source>{0} could not be read, so nothing was copied.</source>
        <translation>无法读取 {0}，因此没有复制任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="347"/>
        <source>Picture copied to the clipboard.</source>
        <translation>图片已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="355"/>
        <source>Save the picture as</source>
        <translation>图片另存为</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="356"/>
        <source>PNG picture, keeps its settings (*.png);;JPEG picture (*.jpg *.jpeg)</source>
        <translation>PNG 图片，保留生成设置 (*.png);;JPEG 图片 (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="368"/>
        <source>this kind of file cannot be written</source>
        <translation>无法写入这种类型的文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="374"/>
        <source>Saved a copy as {0}.</source>
        <translation>已另存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="382"/>
        <source>Delete the picture “{0}”? The file is removed from the disk.</source>
        <translation>删除图片“{0}”？文件将从磁盘上删除。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="384"/>
        <source>Delete picture</source>
        <translation>删除图片</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/image_gallery.py" line="399"/>
        <source>Picture deleted.</source>
        <translation>图片已删除。</translation>
    </message>
</context>
<context>
    <name>ImagesPanel</name>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="271"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="271"/>
        <source>&amp;Prompt:</source>
        <translation>提示词(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="271"/>
        <source>&amp;Leave out:</source>
        <translation>排除(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="272"/>
        <source>Si&amp;ze:</source>
        <translation>尺寸(&amp;Z)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="272"/>
        <source>S&amp;teps:</source>
        <translation>步数(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="272"/>
        <source>G&amp;uidance:</source>
        <translation>引导强度(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="273"/>
        <source>S&amp;eed:</source>
        <translation>种子(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="277"/>
        <source>Describe the picture, e.g. “a red cat on the sea at night”.</source>
        <translation>描述图片内容，例如“夜晚海上的一只红猫”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="278"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="279"/>
        <source>Things to keep out of the picture (needs guidance above 1)</source>
        <translation>不希望出现在图片中的内容（引导强度需大于 1）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="280"/>
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="281"/>
        <source>Picture size</source>
        <translation>图片尺寸</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="282"/>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="283"/>
        <source>More steps: more detail, more time. Turbo models need 1 to 4.</source>
        <translation>步数越多，细节越多，耗时越长。Turbo 模型只需 1 到 4 步。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="284"/>
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="285"/>
        <source>How closely to follow the prompt. Turbo models use 0.</source>
        <translation>图片贴合提示词的程度。Turbo 模型使用 0。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="286"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="287"/>
        <source>The same seed and settings draw the same picture again.</source>
        <translation>相同的种子和设置会画出同一张图片。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="288"/>
        <source>&amp;Random</source>
        <translation>随机(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="289"/>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="290"/>
        <location filename="../../app/deskmate/ui/images_panel.py" line="292"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="291"/>
        <source>Draw the picture (Ctrl+Enter)</source>
        <translation>生成图片（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="293"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="294"/>
        <source>Stop drawing (Esc). Press again to stop at once.</source>
        <translation>停止生成（Esc）。再按一次立即停止。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="295"/>
        <source>Cancel drawing</source>
        <translation>取消生成</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="296"/>
        <source>Drawing progress</source>
        <translation>生成进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="297"/>
        <source>Image notes</source>
        <translation>图片提示</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="298"/>
        <source>Get SD-Turbo…</source>
        <translation>获取 SD-Turbo…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="299"/>
        <source>Opens Models and downloads SD-Turbo, showing its progress</source>
        <translation>打开“模型”并下载 SD-Turbo，显示下载进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="300"/>
        <source>Choose a diffusers folder…</source>
        <translation>选择 diffusers 文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="301"/>
        <source>A folder with model_index.json, e.g. a downloaded sd-turbo</source>
        <translation>含有 model_index.json 的文件夹，例如下载好的 sd-turbo</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="322"/>
        <source>Picture support is not installed. It is an optional add-on: install the {0} package (sudo apt install ./{0}_*.deb, published next to the Deskmate installer).</source>
        <translation>未安装图片功能。它是一个可选附加组件：请安装 {0} 软件包（sudo apt install ./{0}_*.deb，与 Deskmate 安装包一同发布）。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="326"/>
        <source>Picture support is not installed. Install it with: pip install &apos;deskmate[images]&apos;</source>
        <translation>未安装图片功能。请用以下命令安装：pip install &apos;deskmate[images]&apos;</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="347"/>
        <source>The gallery cannot be opened: {0}</source>
        <translation>无法打开图库：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="368"/>
        <location filename="../../app/deskmate/ui/images_panel.py" line="592"/>
        <source>The image model cannot be used: {0}</source>
        <translation>无法使用该图像模型：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="383"/>
        <source>No image model yet. SD-Turbo draws a 512×512 picture in one step (a 2.6 GB download), or use a diffusers model folder you already have.</source>
        <translation>还没有图像模型。SD-Turbo 一步即可生成 512×512 的图片（需下载 2.6 GB），也可以使用您已有的 diffusers 模型文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="385"/>
        <source>This image model cannot be used (the note below says why). Get SD-Turbo, or choose another folder.</source>
        <translation>此图像模型无法使用（原因见下方说明）。请获取 SD-Turbo，或选择其他文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="387"/>
        <source>No image model chosen</source>
        <translation>未选择图像模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="393"/>
        <source>Model default ({0}×{1})</source>
        <translation>模型默认（{0}×{1}）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="394"/>
        <source>Model default</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="435"/>
        <source>This picture was drawn with {0}; the current model is {1}, so the result will differ.</source>
        <translation>这张图片是用 {0} 生成的；当前模型是 {1}，结果会有所不同。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="437"/>
        <source>Settings filled in. Press Generate to draw the picture again.</source>
        <translation>设置已填好。点击“生成”即可重新生成这张图片。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="470"/>
        <source>No image model is chosen. Press Get SD-Turbo… to download one, or Choose a diffusers folder… for one you have.</source>
        <translation>尚未选择图像模型。请点击“获取 SD-Turbo…”下载一个，或点击“选择 diffusers 文件夹…”使用已有的模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="488"/>
        <source>The negative prompt has no effect at guidance {0:g}; raise guidance above 1 to use it.</source>
        <translation>引导强度为 {0:g} 时反向提示词不起作用；要使用它，请把引导强度调到 1 以上。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="499"/>
        <source>Preparing…</source>
        <translation>正在准备…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="511"/>
        <source>Stopping now…</source>
        <translation>正在立即停止…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="513"/>
        <source>Stopping after this step…</source>
        <translation>将在这一步结束后停止…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="537"/>
        <source>Starting the image worker…</source>
        <translation>正在启动图像进程…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="538"/>
        <source>Loading the image model…</source>
        <translation>正在加载图像模型…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="553"/>
        <source>Cancelled. No picture was saved.</source>
        <translation>已取消，未保存图片。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="565"/>
        <source>Drawn in {0:.1f} s with seed {1}.</source>
        <translation>用时 {0:.1f} 秒，种子 {1}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="572"/>
        <source>The picture was saved as {0} but could not be listed: {1}</source>
        <translation>图片已保存为 {0}，但无法加入图库：{1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="594"/>
        <source>The computer ran out of memory while drawing, so no picture was saved. Close other programs or choose a smaller size, then try again.</source>
        <translation>生成时电脑内存不足，未保存图片。请关闭其他程序或选择更小的尺寸，然后重试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="597"/>
        <source>The image worker stopped unexpectedly, so no picture was saved. Try again: the next picture starts a fresh worker.</source>
        <translation>图像进程意外停止，未保存图片。请重试：下一张图片会启动新的进程。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="600"/>
        <source>The image worker could not start: {0}</source>
        <translation>图像进程无法启动：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="604"/>
        <source>The picture could not be drawn: {0}</source>
        <translation>无法生成图片：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/images_panel.py" line="660"/>
        <source>Step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
</context>
<context>
    <name>Look</name>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="19"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="20"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="21"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="145"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="148"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="149"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/look.py" line="155"/>
        <source>Actual size (now {percent} %)</source>
        <translation>实际大小（当前 {percent} %）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="415"/>
        <source>Deskmate — {model}</source>
        <translation>Deskmate — {model}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="404"/>
        <source>Write</source>
        <translation>写作</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="405"/>
        <location filename="../../app/deskmate/ui/main_window.py" line="494"/>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="412"/>
        <source>Opening your tasks and drafts…</source>
        <translation>正在打开任务和草稿…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="416"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="417"/>
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="419"/>
        <location filename="../../app/deskmate/ui/main_window.py" line="435"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="420"/>
        <source>Run the task (Ctrl+Enter)</source>
        <translation>运行任务 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="421"/>
        <location filename="../../app/deskmate/ui/main_window.py" line="435"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="422"/>
        <source>Stop (Esc)</source>
        <translation>停止 (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="423"/>
        <location filename="../../app/deskmate/ui/main_window.py" line="435"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="424"/>
        <source>Run again (Ctrl+R)</source>
        <translation>再次运行 (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="425"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="426"/>
        <source>Copy the result (Ctrl+Shift+C)</source>
        <translation>复制结果 (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="427"/>
        <location filename="../../app/deskmate/ui/main_window.py" line="436"/>
        <source>Insert into draft</source>
        <translation>插入草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="428"/>
        <source>Insert the result into the draft (Ctrl+I)</source>
        <translation>将结果插入草稿 (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="429"/>
        <source>The answer appears here as it is written.</source>
        <translation>回答会在生成过程中实时显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="436"/>
        <source>Copy result</source>
        <translation>复制结果</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="437"/>
        <source>New draft</source>
        <translation>新建草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="437"/>
        <source>Save a version</source>
        <translation>保存版本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="438"/>
        <source>Search drafts</source>
        <translation>搜索草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="439"/>
        <source>Find a task</source>
        <translation>查找任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="439"/>
        <source>Draft history…</source>
        <translation>草稿历史记录…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="440"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="440"/>
        <source>Export draft…</source>
        <translation>导出草稿…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="441"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="441"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="442"/>
        <source>Remote servers…</source>
        <translation>远程服务器…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="442"/>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="443"/>
        <source>Choose image model folder…</source>
        <translation>选择图片模型文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="407"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="408"/>
        <source>&amp;Task</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="409"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="447"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="469"/>
        <source>Choose an image model folder</source>
        <translation>选择图片模型文件夹</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="596"/>
        <source>stopped — the text so far is kept</source>
        <translation>已停止，已保留目前生成的文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="598"/>
        <source>{n} tokens, {rate:.1f} tokens/s</source>
        <translation>{n} 个词元，{rate:.1f} 词元/秒</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/main_window.py" line="614"/>
        <source>%n change(s) to review</source>
        <translation>
            <numerusform>%n 处修改待审阅</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="618"/>
        <source>Review: no problems found.</source>
        <translation>复核：未发现问题。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="76"/>
        <source>Engine stopped</source>
        <translation>引擎已停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="77"/>
        <source>Starting the engine…</source>
        <translation>正在启动引擎…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="78"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="79"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="80"/>
        <source>The engine stopped unexpectedly — restarting</source>
        <translation>引擎意外停止，正在重启</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="81"/>
        <source>Restarting the engine…</source>
        <translation>正在重启引擎…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="82"/>
        <source>The engine cannot start</source>
        <translation>引擎无法启动</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="418"/>
        <source>Chats</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="630"/>
        <source>Review found: {issues}. The answer was rewritten once to fix this; accept or undo each change below, or “Show the first answer”.</source>
        <translation>复核发现：{issues}。已据此将回答改写一次；可在下方逐项接受或撤销修改，或点击“显示最初的回答”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="633"/>
        <source>Review found: {issues}</source>
        <translation>复核发现：{issues}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="674"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="406"/>
        <location filename="../../app/deskmate/ui/main_window.py" line="500"/>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="430"/>
        <source>Show the first answer</source>
        <translation>显示最初的回答</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="431"/>
        <source>The answer before the review pass rewrote it</source>
        <translation>复核改写之前的回答</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/main_window.py" line="608"/>
        <source>Rows: {rows}, columns: {cols}</source>
        <translation>行数：{rows}，列数：{cols}</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="44"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="60"/>
        <source>Built-in: SmolLM2-135M (small, for trying things out)</source>
        <translation>内置：SmolLM2-135M（小模型，适合试用）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="85"/>
        <source>Remote: {name} ({model})</source>
        <translation>远程：{name}（{model}）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="88"/>
        <source>Get more models…</source>
        <translation>获取更多模型…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="89"/>
        <source>Download a recommended model, or import a GGUF file</source>
        <translation>下载推荐的模型，或导入 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="97"/>
        <source>All tasks go to the remote server {name} (Settings)</source>
        <translation>所有任务都交给远程服务器 {name}（见设置）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_picker.py" line="99"/>
        <source>Long or heavy tasks go to the remote server {name} (Settings)</source>
        <translation>长任务或繁重任务交给远程服务器 {name}（见设置）</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="50"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="52"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="53"/>
        <source>{0} h</source>
        <translation>{0} 小时</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="80"/>
        <source>fits</source>
        <translation>合适</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="81"/>
        <source>slow</source>
        <translation>较慢</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="82"/>
        <source>tight</source>
        <translation>偏紧</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="83"/>
        <source>won&apos;t fit</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="84"/>
        <source>broken file</source>
        <translation>文件损坏</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="85"/>
        <source>file missing</source>
        <translation>文件丢失</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="59"/>
        <source>Offline mode is on, so nothing was downloaded and nothing was sent over the network. Turn offline mode off in Settings (and unset HF_HUB_OFFLINE if you set it), or import a GGUF file you already have.</source>
        <translation>已开启离线模式，因此没有下载任何内容，也没有向网络发送任何数据。请在“设置”中关闭离线模式（如果设置了 HF_HUB_OFFLINE，也请取消），或导入您已有的 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="65"/>
        <source>Not enough disk space: this download needs {0} but only {1} is free. Free some space, or choose a smaller model.</source>
        <translation>磁盘空间不足：此下载需要 {0}，但只有 {1} 可用。请腾出空间，或选择更小的模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="70"/>
        <source>The file arrived damaged (its SHA-256 does not match the one the hub publishes), so it was not installed and the damaged copy was deleted. Download it again.</source>
        <translation>下载的文件已损坏（其 SHA-256 与模型仓库公布的不一致），因此没有安装，损坏的副本已删除。请重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/model_downloads.py" line="75"/>
        <source>Network problem: {0}</source>
        <translation>网络问题：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="93"/>
        <source>~{0} tokens/s</source>
        <translation>约 {0} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="109"/>
        <source>Built-in small model</source>
        <translation>内置小模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="244"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="245"/>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="397"/>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="407"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="246"/>
        <source>Recommended</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="249"/>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="251"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="249"/>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="251"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="249"/>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="251"/>
        <source>Fit</source>
        <translation>适配</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="249"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="249"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="251"/>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="251"/>
        <source>Memory need</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="252"/>
        <source>Recommended context</source>
        <translation>推荐上下文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="253"/>
        <source>Installed models</source>
        <translation>已安装的模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="254"/>
        <source>Recommended models</source>
        <translation>推荐的模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="255"/>
        <source>Set &amp;default</source>
        <translation>设为默认(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="256"/>
        <source>Make the selected model the default</source>
        <translation>将所选模型设为默认</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="257"/>
        <source>Use the selected model for chat; the engine restarts with it</source>
        <translation>使用所选模型对话；引擎将以它重新启动</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="258"/>
        <source>&amp;Verify</source>
        <translation>校验(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="259"/>
        <source>Verify the selected model</source>
        <translation>校验所选模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="260"/>
        <source>Check the file against its SHA-256</source>
        <translation>按 SHA-256 校验文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="261"/>
        <source>De&amp;lete…</source>
        <translation>删除(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="262"/>
        <source>Delete the selected model</source>
        <translation>删除所选模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="263"/>
        <source>&amp;Import GGUF…</source>
        <translation>导入 GGUF(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="264"/>
        <source>Import a GGUF model file</source>
        <translation>导入 GGUF 模型文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="265"/>
        <source>Add a GGUF file you already have; it is test-loaded first</source>
        <translation>添加您已有的 GGUF 文件；会先试加载一次</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="266"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="267"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="269"/>
        <source>Offline mode is on: Deskmate does not download anything. Turn it off in Settings to download models, or import a GGUF file you already have.</source>
        <translation>已开启离线模式：Deskmate 不会下载任何内容。要下载模型，请在“设置”中关闭离线模式，或导入您已有的 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="271"/>
        <source>Offline mode</source>
        <translation>离线模式</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="272"/>
        <source>No downloads. Pick a model under Recommended.</source>
        <translation>没有下载任务。请在“推荐”中选择模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="316"/>
        <source>Could not list the models: {0}</source>
        <translation>无法列出模型：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="324"/>
        <source>This computer has {0} of memory free (of {1}). Fit is shown for a context of {2} tokens.</source>
        <translation>本机可用内存 {0}（共 {1}）。适配情况按 {2} 个词元的上下文估算。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="330"/>
        <source>Downloads come from {0}.</source>
        <translation>下载来源：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="345"/>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="346"/>
        <source>imported from {0}</source>
        <translation>导入自 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="346"/>
        <source>models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="347"/>
        <source>★ default</source>
        <translation>★ 默认</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="399"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="399"/>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="401"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="401"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="403"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="406"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="407"/>
        <source>Offline mode is on</source>
        <translation>已开启离线模式</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="451"/>
        <source>Could not set the default: {0}</source>
        <translation>无法设为默认：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="453"/>
        <source>{0} is now the default model.</source>
        <translation>{0} 现在是默认模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="476"/>
        <source>{0} is intact: its checksum matches.</source>
        <translation>{0} 完好：校验和一致。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="477"/>
        <source>{0} looks intact (it has no recorded checksum, so only its header was checked).</source>
        <translation>{0} 看起来完好（它没有记录的校验和，因此只检查了文件头）。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="481"/>
        <source>{0} is damaged: {1}. Delete it and download it again.</source>
        <translation>{0} 已损坏：{1}。请删除后重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="485"/>
        <source>Verifying {0}…</source>
        <translation>正在校验 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="496"/>
        <source>Your original file stays where it is: {0}</source>
        <translation>您的原始文件保留在原处：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="498"/>
        <source>Its file will be deleted from this computer: {0}</source>
        <translation>它的文件将从本机删除：{0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="499"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="500"/>
        <source>Delete {0} ({1})?</source>
        <translation>删除 {0}（{1}）？</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="522"/>
        <source>{0} was deleted.</source>
        <translation>{0} 已删除。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="529"/>
        <source>Deleting {0}…</source>
        <translation>正在删除 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="550"/>
        <source>Imported {0}. Select it and press Set default to use it.</source>
        <translation>已导入 {0}。选中它并点击“设为默认”即可使用。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="556"/>
        <source>Checking {0}: it is loaded once in a separate process to be sure it works…</source>
        <translation>正在检查 {0}：在单独的进程中加载一次，确认它能正常工作…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="562"/>
        <source>{0} was not imported. {1}</source>
        <translation>{0} 未导入。{1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="563"/>
        <source>{0} could not be imported: {1}</source>
        <translation>无法导入 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="635"/>
        <source>The model catalog has no model “{0}”.</source>
        <translation>模型目录中没有模型“{0}”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="639"/>
        <source>{0} is installed already.</source>
        <translation>{0} 已经安装。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="699"/>
        <source>Downloads ({0})</source>
        <translation>下载（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="699"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="751"/>
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/models_dialog.py" line="752"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
</context>
<context>
    <name>ProofreadView</name>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="139"/>
        <source>Text with changes marked</source>
        <translation>已标出修改的文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="140"/>
        <source>Proofread a text to review its changes here.</source>
        <translation>校对文本后，可在此审阅修改。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="141"/>
        <source>Changes (ticked ones are kept):</source>
        <translation>修改（勾选的将被保留）：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="142"/>
        <source>Changes</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="143"/>
        <source>Accept all</source>
        <translation>全部接受</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="144"/>
        <source>Accept all changes</source>
        <translation>接受所有修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="145"/>
        <source>Reject all</source>
        <translation>全部拒绝</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="146"/>
        <source>Reject all changes</source>
        <translation>拒绝所有修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="147"/>
        <source>Final text:</source>
        <translation>最终文本：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="148"/>
        <source>Final text</source>
        <translation>最终文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="149"/>
        <source>Restored sentences</source>
        <translation>已恢复的句子</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="161"/>
        <source>a line break</source>
        <translation>换行符</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="161"/>
        <source>a space</source>
        <translation>空格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="167"/>
        <source>add {0}</source>
        <translation>添加 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="169"/>
        <source>remove {0}</source>
        <translation>删除 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="171"/>
        <source>{0} → {1}</source>
        <translation>{0} → {1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/proofread_view.py" line="326"/>
        <source>No changes: the text looks right.</source>
        <translation>无需修改：文本看起来没有问题。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/proofread_view.py" line="329"/>
        <source>%n of {0} changes accepted.</source>
        <translation>
            <numerusform>已接受 %n 处修改（共 {0} 处）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/proofread_view.py" line="339"/>
        <source>The proofreader left out %n sentence(s). They were put back from your original, unchanged:</source>
        <translation>
            <numerusform>校对时遗漏了 %n 个句子，已按原文原样补回：</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuickNotice</name>
    <message>
        <location filename="../../app/deskmate/ui/quick_notice.py" line="56"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_notice.py" line="57"/>
        <source>Put the clipboard back as it was</source>
        <translation>把剪贴板恢复原样</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_notice.py" line="58"/>
        <source>Open in Deskmate</source>
        <translation>在 Deskmate 中打开</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_notice.py" line="59"/>
        <source>Open the result as a draft in the window</source>
        <translation>在窗口中把结果作为草稿打开</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_notice.py" line="60"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>QuickPalette</name>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="154"/>
        <source>Deskmate quick actions</source>
        <translation>Deskmate 快捷操作</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="155"/>
        <source>Type to filter actions…</source>
        <translation>输入以筛选操作…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="156"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="156"/>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="156"/>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="157"/>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="157"/>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="157"/>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="160"/>
        <source>to</source>
        <translation>译为</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="161"/>
        <source>The result appears here.</source>
        <translation>结果会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="162"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="162"/>
        <source>Replace clipboard</source>
        <translation>替换剪贴板</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="163"/>
        <source>Paste back</source>
        <translation>粘贴回去</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="163"/>
        <source>Open as draft</source>
        <translation>作为草稿打开</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="164"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="164"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="165"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="208"/>
        <source>The clipboard holds an image. Quick actions work on text: copy some text and try again.</source>
        <translation>剪贴板里是图片。快捷操作只处理文字：请复制一些文字后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="210"/>
        <source>The clipboard holds data that is not text. Quick actions work on text: copy some text and try again.</source>
        <translation>剪贴板里的内容不是文字。快捷操作只处理文字：请复制一些文字后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="269"/>
        <source>An action is still running. Stop it first.</source>
        <translation>还有操作正在进行。请先停止它。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="273"/>
        <source>No model is loaded yet. Choose a model in Deskmate, then try again.</source>
        <translation>还没有加载模型。请在 Deskmate 中选择一个模型后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="277"/>
        <source>There is no text to work on: copy some text first, then try again.</source>
        <translation>没有可处理的文字：请先复制一些文字，然后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="302"/>
        <source>The action ended without a result.</source>
        <translation>操作结束了，但没有结果。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="311"/>
        <source>No changes needed.</source>
        <translation>无需修改。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="311"/>
        <source>1 change.</source>
        <translation>1 处修改。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="311"/>
        <source>{n} changes.</source>
        <translation>{n} 处修改。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="314"/>
        <source>Stopped. The clipboard is unchanged.</source>
        <translation>已停止。剪贴板没有改变。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="316"/>
        <source>Done. Replace the clipboard or paste it back when it looks right.</source>
        <translation>完成。确认无误后，可替换剪贴板或粘贴回去。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="341"/>
        <source>There is no result to copy yet.</source>
        <translation>还没有可复制的结果。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="344"/>
        <source>Copied. Undo puts the original back on the clipboard.</source>
        <translation>已复制。点“撤销”可把原内容放回剪贴板。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="352"/>
        <source>There is no result yet: choose an action first.</source>
        <translation>还没有结果：请先选择一个操作。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="356"/>
        <source>The result is on the clipboard. Undo puts the original back.</source>
        <translation>结果已在剪贴板上。点“撤销”可恢复原内容。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="373"/>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的内容。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/quick_palette.py" line="376"/>
        <source>The original clipboard is back.</source>
        <translation>原来的剪贴板内容已恢复。</translation>
    </message>
</context>
<context>
    <name>RemoteReport</name>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="13"/>
        <source>OpenAI-compatible server</source>
        <translation>OpenAI 兼容服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="14"/>
        <source>vLLM server</source>
        <translation>vLLM 服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="15"/>
        <source>llama.cpp server</source>
        <translation>llama.cpp 服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="16"/>
        <source>llama-cpp-python server</source>
        <translation>llama-cpp-python 服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="24"/>
        <source>Offline mode is on, so nothing was sent. Turn it off in Settings to test the server.</source>
        <translation>离线模式已开启，因此没有发送任何内容。请在设置中关闭离线模式后再测试服务器。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="27"/>
        <source>Could not reach “{name}”: {error}</source>
        <translation>无法连接“{name}”：{error}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="30"/>
        <source>The test was cancelled.</source>
        <translation>测试已取消。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="32"/>
        <source>“{name}” listed its models, but a test answer failed: {error}</source>
        <translation>“{name}”列出了模型，但测试回答失败：{error}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="37"/>
        <source>Connected to “{name}” ({server}) in {seconds:.2f} s.</source>
        <translation>已连接“{name}”（{server}），用时 {seconds:.2f} 秒。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="40"/>
        <source>It offers one model: {models}.</source>
        <translation>它提供 1 个模型：{models}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="41"/>
        <source>It offers {n} models: {models}.</source>
        <translation>它提供 {n} 个模型：{models}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="44"/>
        <source>It lists no models.</source>
        <translation>它没有列出任何模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="46"/>
        <source>It does not list the model id “{model}”; check it.</source>
        <translation>它的列表中没有模型 ID“{model}”，请检查。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_report.py" line="49"/>
        <source>A one-token test answer took {seconds:.2f} s.</source>
        <translation>单个词元的测试回答用时 {seconds:.2f} 秒。</translation>
    </message>
</context>
<context>
    <name>RemoteServersDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="64"/>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="71"/>
        <source>Remote servers</source>
        <translation>远程服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="67"/>
        <source>Remote servers answer tasks with a larger model on another computer, through an OpenAI-compatible address. Their API keys stay in the system keyring.</source>
        <translation>远程服务器通过兼容 OpenAI 的地址，用另一台计算机上的更大模型完成任务。它们的 API 密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="74"/>
        <source>No remote server yet. Press Add… to set one up.</source>
        <translation>还没有远程服务器。点击“添加…”进行设置。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="76"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="77"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="78"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="79"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="142"/>
        <source>key in the system keyring</source>
        <translation>密钥在系统密钥环中</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="143"/>
        <source>key kept for this session</source>
        <translation>密钥仅保留到本次会话结束</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="144"/>
        <source>no key saved</source>
        <translation>未保存密钥</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="145"/>
        <source>{name} — {model} at {url} ({key})</source>
        <translation>{name} — {model}，地址 {url}（{key}）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="204"/>
        <source>Saved “{0}”.</source>
        <translation>已保存“{0}”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="221"/>
        <source>Testing “{0}”…</source>
        <translation>正在测试“{0}”…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="236"/>
        <source>Press Edit… to change it.</source>
        <translation>请点击“编辑…”修改密钥。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="238"/>
        <source>Press Edit… and choose one of the server&apos;s models.</source>
        <translation>请点击“编辑…”并选择服务器提供的一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="247"/>
        <source>Remove remote server</source>
        <translation>删除远程服务器</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="248"/>
        <source>Remove “{0}” ({1})? Its API key is deleted from the system keyring too.</source>
        <translation>删除“{0}”（{1}）吗？它的 API 密钥也会从系统密钥环中删除。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="259"/>
        <source>“{0}” is removed, but its key could not be deleted: {1}</source>
        <translation>“{0}”已删除，但无法删除它的密钥：{1}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/remote_servers.py" line="264"/>
        <source>Removed “{0}” and its key.</source>
        <translation>已删除“{0}”及其密钥。</translation>
    </message>
</context>
<context>
    <name>RequestBox</name>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="82"/>
        <source>New</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="83"/>
        <source>Start a new conversation</source>
        <translation>开始新的对话</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="84"/>
        <source>The task this request goes to; click to choose another</source>
        <translation>这个请求将交给的任务；点击可换一个</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="94"/>
        <source>Refine the answer: shorter, more formal, as a table, in English…</source>
        <translation>继续修改回答：更短、更正式、做成表格、改成英文……</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="97"/>
        <source>Ask in your own words, e.g. “Write a thank-you email to a client” or “把这段话翻译成英文：…”</source>
        <translation>用你自己的话提问，例如“给客户写一封感谢邮件”或“把这段话翻译成英文：…”</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="131"/>
        <source>Choosing a task for your request…</source>
        <translation>正在为你的请求选择任务…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="164"/>
        <source>Each follow-up refines the last answer and keeps its form (a table stays a table) unless you ask for another.</source>
        <translation>每次追问都会修改上一次的回答，并保持原来的形式（表格仍是表格），除非你要求换一种。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="168"/>
        <source>Task: automatic</source>
        <translation>任务：自动</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="170"/>
        <source>Deskmate picks the task from your words; the button shows which, and you can change it.</source>
        <translation>Deskmate 会根据你的话选择任务；按钮上显示所选任务，你也可以更换。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="181"/>
        <source>Why this task: you chose it.</source>
        <translation>为什么是这个任务：是你选的。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="183"/>
        <source>Why this task: the model chose it for your request (it mentions “{words}”).</source>
        <translation>为什么是这个任务：模型根据你的请求选择了它（请求中提到“{words}”）。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="186"/>
        <source>Why this task: the model chose it for your request; no keyword was sure.</source>
        <translation>为什么是这个任务：没有关键词能确定，由模型根据你的请求选择。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="188"/>
        <source>Why this task: your request mentions “{words}”.</source>
        <translation>为什么是这个任务：你的请求中提到了“{words}”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="189"/>
        <source>Why this task: nothing in the request points to a task, so it is answered as a question. Click the button to choose another.</source>
        <translation>为什么是这个任务：请求中没有指向某个任务的词，所以按提问来回答。点击按钮可换一个任务。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/request_box.py" line="206"/>
        <source>Choose automatically again</source>
        <translation>重新自动选择</translation>
    </message>
</context>
<context>
    <name>RunFeedback</name>
    <message>
        <location filename="../../app/deskmate/ui/run_feedback.py" line="76"/>
        <source>Reviewing the answer… {seconds} s</source>
        <translation>正在复核回答… {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/run_feedback.py" line="78"/>
        <source>Proofreading… {seconds} s</source>
        <translation>正在校对… {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/run_feedback.py" line="80"/>
        <source>Making a table… {tokens} tokens, {seconds} s</source>
        <translation>正在生成表格… {tokens} 个词元，{seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/run_feedback.py" line="81"/>
        <source>Writing… {tokens} tokens, {seconds} s</source>
        <translation>正在撰写… {tokens} 个词元，{seconds} 秒</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="96"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="97"/>
        <source>Text size</source>
        <translation>文字大小</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="43"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="51"/>
        <source>Deskmate uses the default for each setting below until you change it here or fix the file:</source>
        <translation>在你于此处修改或修正文件之前，下列每项设置都使用默认值：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="55"/>
        <source>Built-in model (SmolLM2-135M)</source>
        <translation>内置模型 (SmolLM2-135M)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="56"/>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="91"/>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="57"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="64"/>
        <source>Automatic (one per core)</source>
        <translation>自动（每个核心一个）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="69"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="71"/>
        <source>Offline mode: never send anything over the network</source>
        <translation>离线模式：绝不通过网络发送任何数据</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="92"/>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="93"/>
        <source>Context size</source>
        <translation>上下文大小</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="95"/>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="102"/>
        <source>Global hotkeys</source>
        <translation>全局热键</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="114"/>
        <source>Choose a GGUF model</source>
        <translation>选择 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="115"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/settings_dialog.py" line="151"/>
        <source>The settings could not be saved: {error}</source>
        <translation>无法保存设置：{error}</translation>
    </message>
</context>
<context>
    <name>TableEditor</name>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="145"/>
        <source>Add row</source>
        <translation>添加行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="145"/>
        <source>Add a row below the last one</source>
        <translation>在最后一行下方添加一行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="146"/>
        <source>Remove rows</source>
        <translation>删除行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="146"/>
        <source>Remove the selected rows</source>
        <translation>删除所选行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="147"/>
        <source>Add column</source>
        <translation>添加列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="147"/>
        <source>Add a column right of the current one</source>
        <translation>在当前列右侧添加一列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="148"/>
        <source>Remove column</source>
        <translation>删除列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="148"/>
        <source>Remove the current column</source>
        <translation>删除当前列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="150"/>
        <source>Rename column</source>
        <translation>重命名列</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="151"/>
        <source>Rename the current column (or double-click its header)</source>
        <translation>重命名当前列（也可双击列标题）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="153"/>
        <source>Copy as table</source>
        <translation>复制为表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="153"/>
        <source>Copy the whole table for Word, Excel or email</source>
        <translation>复制整个表格，以便粘贴到 Word、Excel 或电子邮件中</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="154"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="154"/>
        <source>Undo the last change to the table</source>
        <translation>撤销对表格的上一次修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="155"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="155"/>
        <source>Redo the change just undone</source>
        <translation>重做刚刚撤销的修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="164"/>
        <location filename="../../app/deskmate/ui/table_editor.py" line="166"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="165"/>
        <source>Save the table as a file</source>
        <translation>将表格保存为文件</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="170"/>
        <location filename="../../app/deskmate/ui/table_editor.py" line="310"/>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="171"/>
        <source>Table messages</source>
        <translation>表格提示</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="176"/>
        <source>CSV (spreadsheets)…</source>
        <translation>CSV（电子表格）…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="176"/>
        <source>CSV file (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="177"/>
        <source>Excel workbook (.xlsx)…</source>
        <translation>Excel 工作簿 (.xlsx)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="177"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="178"/>
        <source>Markdown…</source>
        <translation>Markdown…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="178"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="179"/>
        <source>Word document (.docx)…</source>
        <translation>Word 文档 (.docx)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="179"/>
        <source>Word document (*.docx)</source>
        <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="180"/>
        <source>Web page (.html)…</source>
        <translation>网页 (.html)…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="180"/>
        <source>Web page (*.html *.htm)</source>
        <translation>网页 (*.html *.htm)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="223"/>
        <source>Select the rows to remove first.</source>
        <translation>请先选择要删除的行。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="264"/>
        <source>Column name</source>
        <translation>列名</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="300"/>
        <source>Table copied. Paste it into a document, a spreadsheet or an email.</source>
        <translation>表格已复制，可粘贴到文档、电子表格或电子邮件中。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="305"/>
        <source>Still saving the last file; try again in a moment.</source>
        <translation>上一个文件仍在保存中，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="320"/>
        <source>Saving {0}…</source>
        <translation>正在保存 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="325"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/table_editor.py" line="330"/>
        <source>The table was not saved. {0}</source>
        <translation>表格未保存。{0}</translation>
    </message>
</context>
<context>
    <name>TableModel</name>
    <message>
        <location filename="../../app/deskmate/ui/table_model.py" line="133"/>
        <source>Double-click to rename</source>
        <translation>双击以重命名</translation>
    </message>
</context>
<context>
    <name>TaskEditor</name>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="61"/>
        <source>give the task a name (in English, Chinese or both)</source>
        <translation>请给任务起个名字（英文、中文或两者都写）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="62"/>
        <source>write what the model should do</source>
        <translation>请写下模型要做什么</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="63"/>
        <source>give the field a label</source>
        <translation>请给这个字段起个名称</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="269"/>
        <source>Edit my task</source>
        <translation>编辑我的任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="269"/>
        <source>New task</source>
        <translation>新建任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="270"/>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="270"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="270"/>
        <source>&amp;Instruction</source>
        <translation>指令(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="271"/>
        <source>&amp;Output</source>
        <translation>输出(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="271"/>
        <source>&amp;Creativity</source>
        <translation>创意度(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="271"/>
        <source>&amp;Words</source>
        <translation>触发词(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="272"/>
        <source>Quick action</source>
        <translation>快捷操作</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="272"/>
        <source>&amp;Hotkey</source>
        <translation>热键(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="275"/>
        <location filename="../../app/deskmate/ui/task_editor.py" line="276"/>
        <source>Name in English</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="277"/>
        <location filename="../../app/deskmate/ui/task_editor.py" line="278"/>
        <source>Name in Chinese</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="279"/>
        <source>What the model should do, e.g. “Reply politely to this message.” Fields the instruction does not mention are added after it.</source>
        <translation>模型要做什么，例如“礼貌地回复这条消息。”指令中没有提到的字段会接在指令后面。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="281"/>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="282"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="282"/>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="282"/>
        <source>Corrections to review</source>
        <translation>待审阅的修改</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="283"/>
        <source>Translation</source>
        <translation>翻译</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="286"/>
        <source>0 keeps to the text; 1 invents freely</source>
        <translation>0 紧贴原文；1 自由发挥</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="287"/>
        <source>Words that pick this task in the request box (its names when empty)</source>
        <translation>在请求框中选中此任务的词（留空则用任务名称）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="288"/>
        <source>On the clipboard, from the palette and the tray</source>
        <translation>对剪贴板运行，可从快捷面板和托盘使用</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="289"/>
        <source>Run it on the clipboard from the quick palette, the tray and `deskmate quick`</source>
        <translation>可在快捷面板、托盘和 `deskmate quick` 中对剪贴板运行</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="290"/>
        <source>A global hotkey of its own (quick actions only); press the keys here</source>
        <translation>它自己的全局热键（仅限快捷操作）；在这里按下按键</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="291"/>
        <source>Hotkey</source>
        <translation>热键</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="292"/>
        <source>No hotkey</source>
        <translation>不用热键</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="293"/>
        <source>Add a field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="294"/>
        <source>Prompt preview (as a run sends it)</source>
        <translation>提示词预览（与运行时发送的一致）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="295"/>
        <source>Prompt preview</source>
        <translation>提示词预览</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="296"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="297"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="299"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="353"/>
        <source>The preview shows once the task is complete.</source>
        <translation>任务填写完整后即显示预览。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="378"/>
        <source>Fix the marked parts, then save.</source>
        <translation>请先修正标出的部分，再保存。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="386"/>
        <source>The task could not be saved: {error}</source>
        <translation>任务无法保存：{error}</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="390"/>
        <source>Saved as “{name}” under My tasks.</source>
        <translation>已保存为“我的任务”中的“{name}”。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="398"/>
        <source>Delete task</source>
        <translation>删除任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="398"/>
        <source>Delete your task “{name}”?</source>
        <translation>删除你的任务“{name}”？</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="508"/>
        <source>New task…</source>
        <translation>新建任务…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="509"/>
        <source>Edit my task…</source>
        <translation>编辑我的任务…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="510"/>
        <source>Save as my task…</source>
        <translation>另存为我的任务…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="511"/>
        <location filename="../../app/deskmate/ui/task_editor.py" line="513"/>
        <source>Save as my task</source>
        <translation>另存为我的任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="512"/>
        <source>A task of your own from this one, with its values</source>
        <translation>以此任务及其填写的值新建一个你自己的任务</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_editor.py" line="514"/>
        <source>A task of your own from the selected turn and its refinement</source>
        <translation>以选中的轮次及其修改要求新建一个你自己的任务</translation>
    </message>
</context>
<context>
    <name>TaskForm</name>
    <message>
        <location filename="../../app/deskmate/ui/task_form.py" line="66"/>
        <source>Factual</source>
        <translation>严谨</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_form.py" line="67"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_form.py" line="68"/>
        <source>Check the answer and rewrite it once if needed (review pass)</source>
        <translation>检查回答，必要时重写一次（复核）</translation>
    </message>
</context>
<context>
    <name>TaskSidebar</name>
    <message>
        <location filename="../../app/deskmate/ui/task_sidebar.py" line="50"/>
        <source>Search tasks (Ctrl+K)</source>
        <translation>搜索任务 (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/task_sidebar.py" line="52"/>
        <location filename="../../app/deskmate/ui/task_sidebar.py" line="99"/>
        <source>Common tasks</source>
        <translation>常用任务</translation>
    </message>
</context>
<context>
    <name>TranslationView</name>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="159"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="159"/>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="159"/>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="160"/>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="160"/>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="160"/>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="161"/>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="161"/>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="161"/>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="162"/>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="162"/>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="162"/>
        <source>Vietnamese</source>
        <translation>越南语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="163"/>
        <source>Thai</source>
        <translation>泰语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="163"/>
        <source>Indonesian</source>
        <translation>印度尼西亚语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="163"/>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="164"/>
        <source>Turkish</source>
        <translation>土耳其语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="164"/>
        <source>Polish</source>
        <translation>波兰语</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="177"/>
        <source>&amp;From:</source>
        <translation>源语言(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="178"/>
        <source>&amp;To:</source>
        <translation>目标语言(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="179"/>
        <source>Source language</source>
        <translation>源语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="180"/>
        <source>Target language</source>
        <translation>目标语言</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="181"/>
        <location filename="../../app/deskmate/ui/translation_view.py" line="182"/>
        <source>Swap languages and texts</source>
        <translation>互换语言和文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="183"/>
        <location filename="../../app/deskmate/ui/translation_view.py" line="185"/>
        <source>Translate</source>
        <translation>翻译</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="184"/>
        <source>Translate (Ctrl+Enter)</source>
        <translation>翻译 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="186"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="187"/>
        <source>Stop and keep what has been translated (Esc)</source>
        <translation>停止并保留已翻译的内容 (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="188"/>
        <source>Stop translating</source>
        <translation>停止翻译</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="189"/>
        <source>Type or paste the text to translate.</source>
        <translation>输入或粘贴要翻译的文本。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="190"/>
        <source>Text to translate</source>
        <translation>待翻译文本</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="191"/>
        <source>The translation appears here, paragraph by paragraph.</source>
        <translation>译文将逐段显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="192"/>
        <source>Translation</source>
        <translation>译文</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="193"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="194"/>
        <source>Copy the translation (Ctrl+Shift+C)</source>
        <translation>复制译文 (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="195"/>
        <source>Insert into draft</source>
        <translation>插入草稿</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="196"/>
        <source>Insert the translation into the draft (Ctrl+I)</source>
        <translation>将译文插入草稿 (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="197"/>
        <source>Translation progress</source>
        <translation>翻译进度</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="198"/>
        <source>Translation notes</source>
        <translation>翻译提示</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="205"/>
        <source>Auto-detect ({0})</source>
        <translation>自动检测（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="207"/>
        <source>Auto-detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="249"/>
        <source>Type or paste the text to translate first.</source>
        <translation>请先输入或粘贴要翻译的文本。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="254"/>
        <source>The text is already in {0}. Pick another target language.</source>
        <translation>文本已经是{0}，请选择其他目标语言。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="261"/>
        <source>No model is ready yet. Wait for it to load, or choose one in Settings.</source>
        <translation>模型尚未就绪。请等待模型加载完成，或在“设置”中选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="270"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="280"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="382"/>
        <source>Paragraph {0}: “{1}” should be translated as “{2}”, but that is not in the translation.</source>
        <translation>第 {0} 段：“{1}”应译为“{2}”，但译文中没有出现。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="389"/>
        <source>Paragraph {0}: {1} from the source is not in the translation. Check the numbers.</source>
        <translation>第 {0} 段：原文中的 {1} 未出现在译文中，请核对数字。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="394"/>
        <source>Paragraph {0}: part of it came back empty, so the original words were kept.</source>
        <translation>第 {0} 段：部分内容返回为空，已保留原文。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="406"/>
        <source>Stopped after {0} of {1} paragraphs. What arrived is kept.</source>
        <translation>已翻译 {0} 段（共 {1} 段）后停止，已收到的内容均已保留。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/deskmate/ui/translation_view.py" line="409"/>
        <source>Translated %n paragraph(s).</source>
        <translation>
            <numerusform>已翻译 %n 个段落。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="427"/>
        <source>The translation stopped: {0} What arrived before that is kept.</source>
        <translation>翻译已停止：{0} 此前收到的内容均已保留。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/translation_view.py" line="452"/>
        <source>Paragraph {0} of {1}</source>
        <translation>第 {0} 段，共 {1} 段</translation>
    </message>
</context>
<context>
    <name>Worker</name>
    <message>
        <location filename="../../app/deskmate/ui/background.py" line="34"/>
        <source>Deskmate is not allowed to write “{0}”. Choose another folder.</source>
        <translation>Deskmate 无权写入“{0}”，请选择其他文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/background.py" line="41"/>
        <source>Could not use “{0}”: {1}.</source>
        <translation>无法使用“{0}”：{1}。</translation>
    </message>
    <message>
        <location filename="../../app/deskmate/ui/background.py" line="48"/>
        <source>Something went wrong: {0}</source>
        <translation>出现错误：{0}</translation>
    </message>
</context>
</TS>
